package sheets

import (
	"encoding/json"
	"time"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// TagKey is the developer metadata key that tags a tab as auxon's; its
// value is JSON {"run","kind","created"}.
const TagKey = "auxon.tab"

// tagVisibility is DOCUMENT rather than PROJECT: a user's OAuth client and
// the cron's service account usually belong to different projects, and
// both must see each other's tags for retention to work.
const tagVisibility = "DOCUMENT"

type tagValue struct {
	Run     string `json:"run"`
	Kind    string `json:"kind"`
	Created string `json:"created"`
}

func encodeTag(t *driver.Tag) string {
	b, _ := json.Marshal(tagValue{Run: t.RunID, Kind: t.Kind, Created: t.Created.UTC().Format(time.RFC3339)})
	return string(b)
}

func decodeTag(s string) *driver.Tag {
	var v tagValue
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil
	}
	created, err := time.Parse(time.RFC3339, v.Created)
	if err != nil {
		return nil
	}
	return &driver.Tag{RunID: v.Run, Kind: v.Kind, Created: created.UTC()}
}
