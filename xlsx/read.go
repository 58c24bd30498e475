package xlsx

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// archive is an open XLSX zip with its workbook-level parts parsed.
type archive struct {
	zr     *zip.ReadCloser
	files  map[string]*zip.File
	sheets []sheetEntry
	sst    []string // shared strings, loaded on first use
	sstErr error
	sstOK  bool
	sstAt  string
}

// sheetEntry is one tab as listed in xl/workbook.xml.
type sheetEntry struct {
	name   string
	hidden bool
	part   string // zip path of the worksheet XML
}

// openArchive opens path and reads its workbook and relationship parts.
func openArchive(name string) (*archive, error) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, err
	}
	a := &archive{zr: zr, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		a.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	if err := a.readWorkbook(); err != nil {
		zr.Close()
		return nil, err
	}
	return a, nil
}

func (a *archive) close() error { return a.zr.Close() }

// decode unmarshals the XML part name into v.
func (a *archive) decode(name string, v any) error {
	f, ok := a.files[name]
	if !ok {
		return fmt.Errorf("part %s is missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("part %s: %w", name, err)
	}
	return nil
}

type relsXML struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type workbookXML struct {
	Sheets []struct {
		Name  string     `xml:"name,attr"`
		State string     `xml:"state,attr"`
		Attrs []xml.Attr `xml:",any,attr"`
	} `xml:"sheets>sheet"`
}

// readWorkbook finds the workbook part through the package relationships
// and lists its sheets with their worksheet parts.
func (a *archive) readWorkbook() error {
	wbPart := "xl/workbook.xml"
	var root relsXML
	if err := a.decode("_rels/.rels", &root); err == nil {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPart = resolve("", r.Target)
			}
		}
	}
	var wb workbookXML
	if err := a.decode(wbPart, &wb); err != nil {
		return err
	}
	dir := path.Dir(wbPart)
	var rels relsXML
	if err := a.decode(path.Join(dir, "_rels", path.Base(wbPart)+".rels"), &rels); err != nil {
		return err
	}
	targets := map[string]string{}
	a.sstAt = path.Join(dir, "sharedStrings.xml")
	for _, r := range rels.Rels {
		targets[r.ID] = resolve(dir, r.Target)
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			a.sstAt = resolve(dir, r.Target)
		}
	}
	for _, s := range wb.Sheets {
		id := ""
		for _, at := range s.Attrs {
			if at.Name.Local == "id" {
				id = at.Value
			}
		}
		a.sheets = append(a.sheets, sheetEntry{name: s.Name, hidden: s.State == "hidden" || s.State == "veryHidden", part: targets[id]})
	}
	return nil
}

// resolve turns a relationship target into a zip path.
func resolve(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Clean(path.Join(dir, target))
}

// sharedStrings loads the shared string table once.
func (a *archive) sharedStrings() ([]string, error) {
	if a.sstOK {
		return a.sst, a.sstErr
	}
	a.sstOK = true
	f, ok := a.files[a.sstAt]
	if !ok {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		a.sstErr = err
		return nil, err
	}
	defer rc.Close()
	a.sst, a.sstErr = readSST(rc)
	return a.sst, a.sstErr
}

// readSST streams <si> items, joining the <t> runs of each and skipping
// phonetic runs (<rPh>).
func readSST(r io.Reader) ([]string, error) {
	dec := xml.NewDecoder(r)
	var out []string
	var b strings.Builder
	inT, inPh := false, false
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("shared strings: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				b.Reset()
			case "t":
				inT = true
			case "rPh":
				inPh = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				out = append(out, b.String())
			case "t":
				inT = false
			case "rPh":
				inPh = false
			}
		case xml.CharData:
			if inT && !inPh {
				b.Write(t)
			}
		}
	}
}
