package main

import (
	"errors"
	"io"
	"reflect"
	"testing"
)

func TestParseFlagsInterspersed(t *testing.T) {
	tests := []struct {
		args    []string
		out     string
		n       int
		pos     []string
		wantErr error
	}{
		{[]string{"in.xlsx", "-o", "out.xlsx"}, "out.xlsx", 0, []string{"in.xlsx"}, nil},
		{[]string{"-o", "out.xlsx", "a.xlsx", "-n", "3", "b.xlsx"}, "out.xlsx", 3, []string{"a.xlsx", "b.xlsx"}, nil},
		{[]string{"a.xlsx", "--", "-o", "b.xlsx"}, "", 0, []string{"a.xlsx", "-o", "b.xlsx"}, nil},
		{[]string{"a.xlsx", "--nope"}, "", 0, nil, errUsage},
		{[]string{"-h"}, "", 0, nil, errHelp},
	}
	for _, tc := range tests {
		fs := newFlagSet("x", "x", io.Discard)
		out := fs.String("o", "", "")
		n := fs.Int("n", 0, "")
		err := parseFlags(fs, tc.args)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%q: err %v, want %v", tc.args, err, tc.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if *out != tc.out || *n != tc.n || !reflect.DeepEqual(fs.Args(), tc.pos) && len(tc.pos)+len(fs.Args()) > 0 {
			t.Errorf("%q: -o %q -n %d args %q, want %q %d %q", tc.args, *out, *n, fs.Args(), tc.out, tc.n, tc.pos)
		}
	}
}
