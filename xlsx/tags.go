package xlsx

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// tagPrefix starts the name of the custom document property that tags a
// tab as auxon's: "auxon.tab.<tab name>".
const tagPrefix = "auxon.tab."

// tagValue is the JSON stored in a tag property.
type tagValue struct {
	Run     string `json:"run"`
	Kind    string `json:"kind"`
	Created string `json:"created"`
}

func encodeTag(t *driver.Tag) string {
	b, _ := json.Marshal(tagValue{Run: t.RunID, Kind: t.Kind, Created: t.Created.UTC().Format(time.RFC3339)})
	return string(b)
}

func decodeTag(s string) (*driver.Tag, bool) {
	var v tagValue
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil, false
	}
	created, err := time.Parse(time.RFC3339, v.Created)
	if err != nil {
		return nil, false
	}
	return &driver.Tag{RunID: v.Run, Kind: v.Kind, Created: created.UTC()}, true
}

type customXML struct {
	Props []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"lpwstr"`
	} `xml:"property"`
}

// tags reads the auxon tags from docProps/custom.xml, by tab name.
func (a *archive) tags() (map[string]*driver.Tag, error) {
	out := map[string]*driver.Tag{}
	if _, ok := a.files["docProps/custom.xml"]; !ok {
		return out, nil
	}
	var c customXML
	if err := a.decode("docProps/custom.xml", &c); err != nil {
		return nil, err
	}
	for _, p := range c.Props {
		name, ok := strings.CutPrefix(p.Name, tagPrefix)
		if !ok {
			continue
		}
		if t, ok := decodeTag(p.Value); ok {
			out[name] = t
		}
	}
	return out, nil
}
