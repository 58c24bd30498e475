package driver

import (
	"encoding/json"
	"time"
)

// tagValue is a Tag as drivers store it: JSON {"run","kind","created"}.
type tagValue struct {
	Run     string `json:"run"`
	Kind    string `json:"kind"`
	Created string `json:"created"`
}

// Encode is the tag as drivers store it beside a tab (an XLSX custom
// property, a Sheets developer-metadata value).
func (t *Tag) Encode() string {
	b, _ := json.Marshal(tagValue{Run: t.RunID, Kind: t.Kind, Created: t.Created.UTC().Format(time.RFC3339)})
	return string(b)
}

// DecodeTag reads what Encode wrote; ok is false for anything else.
func DecodeTag(s string) (t *Tag, ok bool) {
	var v tagValue
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil, false
	}
	created, err := time.Parse(time.RFC3339, v.Created)
	if err != nil {
		return nil, false
	}
	return &Tag{RunID: v.Run, Kind: v.Kind, Created: created.UTC()}, true
}
