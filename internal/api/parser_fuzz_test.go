package api

// Fuzz targets for the request parsers that are not exported: the closed query schema, the
// write routes' JSON body and its fields, and the incoming request id (issue 9).

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseQuery: any raw query either answers a 400 *Error or returns only allowed keys with
// a single, non-empty value (groupIds may be empty); authToken is never returned.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "groupIds=10", "groupIds=", "fields=handle&trackId=DEVELOP", "foo=bar", "a=1&a=2", "groupIds=1&groupIds=2",
		"authToken=x.y.z", "%zz=1", "fields=%00", "trackId=%ff%fe", "=x", "&&&", "typeId=" + strings.Repeat("A", 5000),
		"groupIds=" + strings.Repeat("1,", 3000), "trackId='%20OR%20'1'='1", "track=DEV&subTrack=SRM&fields=track",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, allowed := range [][]string{statsKeys, distributionKeys} {
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			r.URL.RawQuery = raw
			got, err := parseQuery(r, allowed)
			if err != nil {
				var ae *Error
				if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Message == "" {
					t.Fatalf("%q: %v", raw, err)
				}
				continue
			}
			for k, v := range got {
				if !slices.Contains(allowed, k) {
					t.Fatalf("%q: key %q accepted", raw, k)
				}
				if v == "" && !slices.Contains(emptyAllowed, k) {
					t.Fatalf("%q: empty %q accepted", raw, k)
				}
			}
		}
	})
}

// FuzzReadBody: any body (huge, deeply nested, not JSON, not UTF-8) is decoded or refused with
// a 400 *Error, never a panic; accepted challenge ids are UUIDs or digit strings only, and
// accepted string fields are strings.
func FuzzReadBody(f *testing.F) {
	for _, s := range []string{
		"", "{}", "null", "[]", `{"challengeId":"11111111-2222-4333-8444-555555555555"}`, `{"challengeId":30046082}`,
		`{"challengeId":"30046082"}`, `{"challengeId":-1}`, `{"challengeId":1.5}`, `{"challengeId":1e3}`, `{"challengeId":null}`,
		`{"challengeId":{"$ne":1}}`, `{"trackId":"DEVELOP","typeId":"Challenge","ratingName":"AI"}`, `{"trackId":7}`,
		`{"foo":1}`, `{"challengeId":"' OR '1'='1"}`, `{} {}`, "{\"challengeId\":\"\x00\"}", "{\"a\":\"\xff\"}",
		strings.Repeat("[", 20000), strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000),
		`{"challengeId":1` + strings.Repeat("0", 2000) + `}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/x", bytes.NewReader(body))
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 1<<20)
		is400 := func(err error) {
			t.Helper()
			var ae *Error
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				return
			}
			if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || ae.Message == "" {
				t.Fatalf("%q: %v", body, err)
			}
		}
		m, err := readBody(r, "challengeId", "trackId", "typeId", "ratingName")
		if err != nil {
			is400(err)
			return
		}
		for k := range m {
			if !slices.Contains([]string{"challengeId", "trackId", "typeId", "ratingName"}, k) {
				t.Fatalf("%q: key %q accepted", body, k)
			}
		}
		for _, numeric := range []bool{false, true} {
			id, err := challengeIDOf(m, true, numeric)
			if err != nil {
				is400(err)
				continue
			}
			if !uuidRE.MatchString(id) && !digitsRE.MatchString(id) {
				t.Fatalf("%q: challenge id %q accepted", body, id)
			}
		}
		for _, k := range []string{"trackId", "typeId", "ratingName"} {
			v, err := stringField(m, k)
			if err != nil {
				is400(err)
				continue
			}
			if _, ok := m[k]; !ok && v != "" {
				t.Fatalf("%q: absent %s gave %q", body, k, v)
			}
		}
	})
}

// FuzzRequestID: an incoming X-Request-Id is kept only when it is short printable ASCII, so it
// can never inject a header line or a log field.
func FuzzRequestID(f *testing.F) {
	for _, s := range []string{"", "abc", "a b", "x\r\nSet-Cookie: y", strings.Repeat("a", 129), "ünï", "\x00", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !validRequestID(id) {
			return
		}
		if len(id) == 0 || len(id) > 128 || !utf8.ValidString(id) || strings.ContainsAny(id, " \r\n\t\x00\x7f") {
			t.Fatalf("accepted %q", id)
		}
	})
}

// TestReadBody_OneObject: a body is one JSON object, optionally surrounded by whitespace;
// anything after it is a 400, not silently ignored.
func TestReadBody_OneObject(t *testing.T) {
	for body, ok := range map[string]bool{
		`{"challengeId": "1"}`:         true,
		" {\"challengeId\": \"1\"} \n": true,
		``:                             true,
		`{} {}`:                        false,
		`{"challengeId": "1"} x`:       false,
		`{"challengeId": "1"}]`:        false,
		`[]`:                           false,
	} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		_, err := readBody(r, "challengeId")
		var ae *Error
		switch {
		case ok && err != nil:
			t.Errorf("%q: %v", body, err)
		case !ok && (!errors.As(err, &ae) || ae.Status != http.StatusBadRequest):
			t.Errorf("%q: %v, want a 400", body, err)
		}
	}
}
