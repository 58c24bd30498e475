package highs

import (
	"context"
	"math/rand/v2"
	"testing"
)

// transportModel builds a dense-ish transport LP with about nnz nonzeros:
// s sources each with supply, d sinks each with demand, one column per
// (source, sink) pair appearing in one supply row and one demand row.
func transportModel(nnz int) *Model {
	pairs := nnz / 2
	s := 500
	d := pairs / s
	rng := rand.New(rand.NewPCG(1, 2))
	m := &Model{}
	for i := 0; i < s; i++ {
		for j := 0; j < d; j++ {
			m.AddCol(1+rng.Float64(), 0, Inf, false)
		}
	}
	idx := make([]int, 0, d)
	for i := 0; i < s; i++ {
		idx = idx[:0]
		for j := 0; j < d; j++ {
			idx = append(idx, i*d+j)
		}
		m.AddRow(-Inf, float64(d), idx, ones(len(idx)))
	}
	idx = make([]int, 0, s)
	for j := 0; j < d; j++ {
		idx = idx[:0]
		for i := 0; i < s; i++ {
			idx = append(idx, i*d+j)
		}
		m.AddRow(float64(s)/2, Inf, idx, ones(len(idx)))
	}
	return m
}

// BenchmarkRoundTrip1M hands a model with 1,000,000 nonzeros to HiGHS and
// copies it back out: the cost the binding adds around every solve.
func BenchmarkRoundTrip1M(b *testing.B) {
	m := transportModel(1_000_000)
	if m.NumNonzeros() != 1_000_000 {
		b.Fatalf("%d nonzeros", m.NumNonzeros())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in, err := load(m, nil)
		if err != nil {
			b.Fatal(err)
		}
		back, err := in.model()
		in.close()
		if err != nil || back.NumNonzeros() != m.NumNonzeros() {
			b.Fatalf("round trip: %v", err)
		}
	}
}

// BenchmarkSolveTransport200k solves a transport LP with 200,000 nonzeros
// end to end.
func BenchmarkSolveTransport200k(b *testing.B) {
	m := transportModel(200_000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r, err := Solve(context.Background(), m, nil)
		if err != nil || r.Status != StatusOptimal {
			b.Fatalf("%v %v", err, r.Status)
		}
	}
}
