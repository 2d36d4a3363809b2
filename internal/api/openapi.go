package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"
)

// OpenAPI is the OpenAPI 3 document of every route, kept in the repository. Its server URL is
// /v6; the served copy uses the configured API_VERSION.
//
//go:embed openapi.json
var OpenAPI []byte

var (
	openAPICache sync.Map // API version -> []byte
)

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	if b, ok := openAPICache.Load(s.cfg.APIVersion); ok {
		writeJSON(w, http.StatusOK, b.([]byte))
		return
	}
	var doc map[string]any
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		s.writeError(w, r, err)
		return
	}
	doc["servers"] = []map[string]string{{"url": "/" + s.cfg.APIVersion}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	openAPICache.Store(s.cfg.APIVersion, b)
	writeJSON(w, http.StatusOK, b)
}
