package templates

import (
	"reflect"
	"testing"

	"github.com/auxon-planner/auxon/planner"
	"github.com/auxon-planner/auxon/workbook"
)

func TestPlanFromGrid(t *testing.T) {
	s, n := workbook.Str, workbook.Num
	g := &workbook.Grid{Rows: [][]workbook.Cell{
		{s("Cluster"), s("Service"), s("Region"), s("Replicas (count)")},
		{s("eu-1"), s("api"), s("eu"), n(3)},
		{s("eu-2"), s("api"), s("eu"), n(0)},       // no replicas: not a placement
		{s("eu-3"), s("web"), s("eu"), s("three")}, // unreadable: skipped
		{s("us-1"), s("web"), s("us"), n(2)},
	}}
	want := &planner.Plan{Replicas: []planner.Assignment{{Service: "api", Cluster: "eu-1", Replicas: 3}, {Service: "web", Cluster: "us-1", Replicas: 2}}}
	if got := planFromGrid(g); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := planFromGrid(&workbook.Grid{Rows: [][]workbook.Cell{{s("Service"), s("Cluster")}, {s("a"), s("b")}}}); got != nil {
		t.Errorf("a tab without Replicas gave %+v", got)
	}
}
