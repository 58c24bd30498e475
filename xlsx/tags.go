package xlsx

import (
	"strings"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// tagPrefix starts the name of the custom document property that tags a
// tab as auxon's: "auxon.tab.<tab name>".
const tagPrefix = "auxon.tab."

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
		if t, ok := driver.DecodeTag(p.Value); ok {
			out[name] = t
		}
	}
	return out, nil
}
