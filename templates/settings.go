package templates

import (
	"strings"

	"github.com/auxon-planner/auxon/planner"
)

// The Settings keys auxon reads, canonical form. Keys match like headers
// (case, spaces, underscores, hyphens and a unit in parentheses ignored).
const (
	SettingTimeLimit      = "time limit"
	SettingMIPGap         = "mip gap"
	SettingMoveCost       = "move cost"
	SettingIntraRegionRTT = "intra-region rtt"
	SettingOutputPrefix   = "output prefix"
)

func settingNames() []string {
	return []string{SettingTimeLimit, SettingMIPGap, SettingMoveCost, SettingIntraRegionRTT, SettingOutputPrefix}
}

// settingKey maps a Settings key as written to its canonical form.
func settingKey(s string) (string, bool) {
	q := squash(s)
	if q == "intraregionrttms" {
		return SettingIntraRegionRTT, true
	}
	for _, k := range settingNames() {
		if squash(k) == q {
			return k, true
		}
	}
	return "", false
}

func (p *parser) parseSettings() {
	st := &p.in.Settings
	st.Rows = map[string]int{}
	p.table(spec(planner.TabSettings, nil)).each(func(r *row) {
		raw := r.text("setting")
		key, ok := settingKey(raw)
		if !ok {
			p.ps.Warn(r.cell("setting"), CodeUnknownSetting, "unknown setting %q is ignored (known: %s)", raw, strings.Join(settingNames(), ", "))
			return
		}
		if first, dup := st.Rows[key]; dup {
			p.add(r.cell("setting"), "duplicate", "setting %q is already given in row %d", key, first)
			return
		}
		st.Rows[key] = r.n
		p.setting(r, key, st)
	})
}

// setting reads the value of one known setting.
func (p *parser) setting(r *row, key string, st *planner.Settings) {
	switch key {
	case SettingTimeLimit:
		st.TimeLimit = with(r, "value", 0, ParseDuration)
	case SettingMIPGap:
		st.MIPGap, _ = r.number("value", 0, true)
	case SettingMoveCost:
		st.MoveCost, _ = r.number("value", 0, true)
	case SettingIntraRegionRTT:
		st.IntraRegionRTT, st.HasIntraRegionRTT = r.number("value", 0, true)
	case SettingOutputPrefix:
		st.OutputPrefix = r.text("value")
	}
}
