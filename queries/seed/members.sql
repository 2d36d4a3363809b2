-- name: CopyMembers :copyfrom
INSERT INTO members."member" ("userId", "handle", "handleLower", "email", "firstName", "lastName", "status",
    "country", "homeCountryCode", "competitionCountryCode", "photoURL", "createdAt", "createdBy")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);
