package ratingscli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// member is one key of a JSON object, in document order.
type member struct {
	Key   string
	Value json.RawMessage
}

// object is a JSON object that keeps its key order, so that eval rewrites a vector file
// without reordering anything it does not own.
type object []member

func (o object) get(key string) (json.RawMessage, bool) {
	for _, m := range o {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// set replaces the value of key in place, or appends the key.
func (o *object) set(key string, v json.RawMessage) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = v
			return
		}
	}
	*o = append(*o, member{key, v})
}

func (o *object) remove(key string) {
	for i := range *o {
		if (*o)[i].Key == key {
			*o = append((*o)[:i], (*o)[i+1:]...)
			return
		}
	}
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(m.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		if len(m.Value) == 0 {
			b.WriteString("null")
		} else {
			b.Write(m.Value)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object; a repeated key keeps its first position and last value,
// as JSON.parse does.
func (o *object) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("expected a JSON object, found %s", describeToken(tok))
	}
	*o = (*o)[:0]
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("expected an object key, found %s", describeToken(tok))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		o.set(key, v)
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	return nil
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return string(t)
	case string:
		return fmt.Sprintf("string %q", t)
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%v", t)
	}
}

// document is a golden-vector file: its top-level members and its cases.
type document struct {
	top   object
	cases []object
}

// readDocument parses a vector file. Problems with the file as a whole are errors; problems
// inside one case are left for that case to report.
func readDocument(in io.Reader) (*document, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, fmt.Errorf("read vectors: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("read vectors: empty input")
	}
	var doc document
	if err := json.Unmarshal(data, &doc.top); err != nil {
		return nil, fmt.Errorf("parse vectors: %w", err)
	}
	if raw, ok := doc.top.get("schemaVersion"); ok {
		var v json.Number
		if err := json.Unmarshal(raw, &v); err != nil || v.String() != "1" {
			return nil, fmt.Errorf("parse vectors: unsupported schemaVersion %s (want 1)", strings.TrimSpace(string(raw)))
		}
	}
	raw, ok := doc.top.get("cases")
	if !ok {
		return nil, errors.New("parse vectors: no \"cases\" array")
	}
	var cases []json.RawMessage
	if err := json.Unmarshal(raw, &cases); err != nil {
		return nil, fmt.Errorf("parse vectors: \"cases\" must be an array: %w", err)
	}
	doc.cases = make([]object, len(cases))
	for i, c := range cases {
		if err := json.Unmarshal(c, &doc.cases[i]); err != nil {
			return nil, fmt.Errorf("parse vectors: case %d: %w", i, err)
		}
	}
	return &doc, nil
}

// write prints the document with the vector files' layout (one-space indent).
func (d *document) write(out io.Writer) error {
	cases := make([]json.RawMessage, len(d.cases))
	for i, c := range d.cases {
		b, err := marshal(c)
		if err != nil {
			return fmt.Errorf("encode case %d: %w", i, err)
		}
		cases[i] = b
	}
	b, err := marshal(cases)
	if err != nil {
		return fmt.Errorf("encode cases: %w", err)
	}
	d.top.set("cases", b)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(d.top); err != nil {
		return fmt.Errorf("write vectors: %w", err)
	}
	return nil
}

// marshal is json.Marshal without HTML escaping and without the trailing newline.
func marshal(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
