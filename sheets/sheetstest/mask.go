package sheetstest

import (
	"fmt"
	"strings"
)

// mask is a parsed field mask: a key maps to the mask of its value, nil
// meaning the whole value.
type mask map[string]mask

// parseMask parses "a,b.c,d(e,f/g)".
func parseMask(s string) (mask, error) {
	p := &maskParser{s: strings.ReplaceAll(s, " ", "")}
	m := mask{}
	if err := p.list(m); err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected %q in field mask", p.s[p.i:])
	}
	return m, nil
}

type maskParser struct {
	s string
	i int
}

func (p *maskParser) list(m mask) error {
	for {
		if err := p.item(m); err != nil {
			return err
		}
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return nil
	}
}

func (p *maskParser) item(m mask) error {
	var path []string
	for {
		start := p.i
		for p.i < len(p.s) && !strings.ContainsRune(",()./", rune(p.s[p.i])) {
			p.i++
		}
		if p.i == start {
			return fmt.Errorf("empty name in field mask at %d", start)
		}
		path = append(path, p.s[start:p.i])
		if p.i < len(p.s) && (p.s[p.i] == '.' || p.s[p.i] == '/') {
			p.i++
			continue
		}
		break
	}
	var sub mask
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		sub = mask{}
		if err := p.list(sub); err != nil {
			return err
		}
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return fmt.Errorf("unbalanced parenthesis in field mask")
		}
		p.i++
	}
	m.add(path, sub)
	return nil
}

// add merges path (with sub-mask sub) into m.
func (m mask) add(path []string, sub mask) {
	k := path[0]
	cur, ok := m[k]
	if ok && cur == nil {
		return // the whole value is already selected
	}
	if len(path) == 1 {
		if sub == nil || !ok {
			m[k] = sub
			return
		}
		for sk, sv := range sub {
			cur.add([]string{sk}, sv)
		}
		return
	}
	if !ok {
		cur = mask{}
		m[k] = cur
	}
	cur.add(path[1:], sub)
}

// prune keeps only the parts of a JSON value that m selects.
func prune(v any, m mask) any {
	if m == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range m {
			if val, ok := x[k]; ok {
				out[k] = prune(val, sub)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = prune(e, m)
		}
		return out
	}
	return v
}

// has reports whether m selects key (or all).
func (m mask) has(key string) bool {
	if m == nil {
		return true
	}
	_, ok := m[key]
	return ok
}
