package planner

// Decomposition
//
// Services that can never share a cluster and are not linked by a
// dependency are independent sub-problems: Split finds them and
// splitSolve solves them apart, in parallel.
//
// Why it is exact. Every row of the MILP (see build.go) involves either
// one service (demand, capacity, link, footprint, N+k, spread, churn), a
// dependency s→t (its h columns and the load terms of s), or one cluster
// and the services that have it as a candidate (supply, fixed cost). The
// candidates C_s of a service are a subset of its possible clusters:
// those its Allowed list permits plus those a Reservation pins with
// Min > 0. Split joins two services whenever a cluster is possible for
// both (so a cluster's supply rows, and its z column when it has a fixed
// cost, fall inside one component) or a Dependency row links them. No row
// then has columns of two components: the MILP is a product of
// independent MILPs, its objective (resource + fixed + churn cost, plus
// the constant churn of Current pairs that are no longer candidates) is
// the sum of theirs, and its optimum is the union of their optima.
//
// The same holds for the lexicographic priority phases of Solve: each
// level's objective, the unmet demand of that priority in
// replica-equivalents, is again a sum over components, so its minimum is
// the sum of the components' minima, and fixing the sum at that minimum
// fixes each component at its own. A component whose demand can all be
// served skips the priority phases; in the whole those phases would
// leave its unmet demand at zero anyway, so the final cost phase
// optimises the same set. The only difference is round-off: the whole
// leaves lexTol of slack on each level's total, the parts on each part's
// share.
//
// To keep the churn constant, a component's sub-intent holds every
// Current row of its services and the cluster each names, even a cluster
// none of its services may use (it hosts nothing there, so it couples
// nothing). Clusters possible for nobody and not named by such a Current
// row are in no sub-intent: they host nothing in any plan.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Split returns the independent sub-problems of in: the connected
// components of the graph whose nodes are services, with an edge between
// two services when some cluster is possible for both (the service's
// Allowed list permits it, or a Reservation for the service names it with
// Min > 0) or a Dependency row links them.
//
// Each component becomes a sub-intent with its services (in the original
// order), the clusters possible for some of them plus the clusters their
// Current rows name (original order), every Resource, Latency link,
// Setting and Column, and the Demand, Dependency and Current rows of its
// services, and the Reservation rows of its services whose cluster is in
// the sub-intent (the others name a cluster the service may not use and
// do not pin: they change nothing). Rows keep their Row fields.
// Components come in the order of their first service. When there is
// only one component (or no service at all) Split returns
// []*Intent{in}, the same pointer.
func Split(in *Intent) []*Intent {
	ns := len(in.Services)
	parent := make([]int, ns)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		if ra, rb := find(a), find(b); ra != rb {
			if ra > rb {
				ra, rb = rb, ra
			}
			parent[rb] = ra
		}
	}

	// Services by name; services sharing a name share rows, so they go
	// together.
	byName := map[string]int{}
	for i := range in.Services {
		if j, ok := byName[in.Services[i].Name]; ok {
			union(i, j)
		} else {
			byName[in.Services[i].Name] = i
		}
	}
	clIdx := map[string]int{}
	for c := range in.Clusters {
		if _, dup := clIdx[in.Clusters[c].Name]; !dup {
			clIdx[in.Clusters[c].Name] = c
		}
	}
	pinned := map[[2]string]bool{}
	for _, r := range in.Reservations {
		if r.Min > 0 {
			pinned[[2]string{r.Service, r.Cluster}] = true
		}
	}
	// possible[c] lists the services that may use cluster c.
	possible := make([][]int, len(in.Clusters))
	for c := range in.Clusters {
		cl := &in.Clusters[c]
		for i := range in.Services {
			s := &in.Services[i]
			if s.Allows(cl) || pinned[[2]string{s.Name, cl.Name}] {
				possible[c] = append(possible[c], i)
			}
		}
		for _, i := range possible[c] {
			union(possible[c][0], i)
		}
	}
	for _, d := range in.Dependencies {
		s, ok1 := byName[d.Service]
		t, ok2 := byName[d.DependsOn]
		if ok1 && ok2 {
			union(s, t)
		}
	}

	// Number the components by their first service.
	comp := make([]int, ns)
	ids := map[int]int{}
	for i := range in.Services {
		r := find(i)
		if _, ok := ids[r]; !ok {
			ids[r] = len(ids)
		}
		comp[i] = ids[r]
	}
	if len(ids) <= 1 {
		return []*Intent{in}
	}
	parts := make([]*Intent, len(ids))
	for k := range parts {
		parts[k] = &Intent{Resources: in.Resources, Latency: in.Latency, Settings: in.Settings, Columns: in.Columns}
	}
	compOf := func(service string) (int, bool) {
		i, ok := byName[service]
		if !ok {
			return 0, false
		}
		return comp[i], true
	}
	for i := range in.Services {
		parts[comp[i]].Services = append(parts[comp[i]].Services, in.Services[i])
	}
	// Clusters: those possible for some service of the part, and those
	// the part's Current rows name.
	has := make([]map[int]bool, len(parts))
	for k := range has {
		has[k] = map[int]bool{}
	}
	for c, ss := range possible {
		for _, i := range ss {
			has[comp[i]][c] = true
		}
	}
	for _, p := range in.Current {
		k, ok1 := compOf(p.Service)
		c, ok2 := clIdx[p.Cluster]
		if ok1 && ok2 {
			has[k][c] = true
		}
	}
	for c := range in.Clusters {
		for k := range parts {
			if has[k][c] {
				parts[k].Clusters = append(parts[k].Clusters, in.Clusters[c])
			}
		}
	}
	for _, d := range in.Demand {
		if k, ok := compOf(d.Service); ok {
			parts[k].Demand = append(parts[k].Demand, d)
		}
	}
	for _, d := range in.Dependencies {
		if k, ok := compOf(d.Service); ok {
			parts[k].Dependencies = append(parts[k].Dependencies, d)
		}
	}
	for _, r := range in.Reservations {
		k, ok := compOf(r.Service)
		if !ok {
			continue
		}
		if c, known := clIdx[r.Cluster]; !known || !has[k][c] {
			continue // a cluster the service may not use, and no pin
		}
		parts[k].Reservations = append(parts[k].Reservations, r)
	}
	for _, p := range in.Current {
		if k, ok := compOf(p.Service); ok {
			parts[k].Current = append(parts[k].Current, p)
		}
	}
	return parts
}

// subPlan is the part of plan p that concerns the given services: their
// replicas, routes and unmet demand, and the dependency routes of load
// they create. nil gives nil.
func subPlan(p *Plan, services map[string]bool) *Plan {
	if p == nil {
		return nil
	}
	return &Plan{
		Replicas:         ofServices(p.Replicas, services, func(a Assignment) string { return a.Service }),
		Routes:           ofServices(p.Routes, services, func(r Route) string { return r.Service }),
		DependencyRoutes: ofServices(p.DependencyRoutes, services, func(r DependencyRoute) string { return r.Service }),
		Unmet:            ofServices(p.Unmet, services, func(u Shortfall) string { return u.Service }),
	}
}

// ofServices is the rows of xs whose service (by svc) is in services, in
// order; nil if none.
func ofServices[T any](xs []T, services map[string]bool, svc func(T) string) []T {
	var out []T
	for _, x := range xs {
		if services[svc(x)] {
			out = append(out, x)
		}
	}
	return out
}

// splitSolve solves in part by part when Split finds more than one
// independent sub-problem; handled is false (and nothing is solved) when
// it finds one. The parts run concurrently, at most GOMAXPROCS at a time,
// each through one with a copy of opts whose Start and Previous keep only
// the part's services, whose Threads is divided among the parts, and
// whose Progress and Log calls are serialised and tagged "part i/N ".
//
// Time: each part gets at most what is left of the time limit when it
// starts. When there are more parts than slots, a part starting with w
// parts (itself included) still waiting gets what is left divided by the
// ⌈w/slots⌉ waves they need, so the whole ends by the limit; a part that
// finishes early leaves its time to the later ones.
//
// The results merge into one: the plans concatenated (replicas sorted by
// service then cluster), Objective and Bound summed, Status the worst of
// the parts' (infeasible, then no plan, then feasible, then optimal; no
// plan unless every part has one), Interrupted if any part was, the
// models' sizes summed, and the phases listed part by part. The first
// error a part returns ends the others and is returned with the part's
// number. The merged plan is not verified: Solve does that.
func splitSolve(ctx context.Context, in *Intent, opts Options,
	one func(context.Context, *Intent, Options) (*Result, error)) (*Result, bool, error) {
	parts := Split(in)
	if len(parts) <= 1 {
		return nil, false, nil
	}
	began := time.Now()
	n := len(parts)
	slots := max(1, runtime.GOMAXPROCS(0))
	threads := 0
	switch {
	case opts.Threads > 0:
		threads = max(1, opts.Threads/n)
	case n > slots:
		threads = 1
	}
	deadline := began.Add(timeLimit(in, opts))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex // serialises Progress and Log, guards firstErr
		firstErr error
		wg       sync.WaitGroup
	)
	results := make([]*Result, n)
	sem := make(chan struct{}, slots)
	for i, part := range parts {
		tag := fmt.Sprintf("part %d/%d ", i+1, n)
		services := map[string]bool{}
		for _, s := range part.Services {
			services[s.Name] = true
		}
		po := opts
		po.Start = subPlan(opts.Start, services)
		po.Previous = subPlan(opts.Previous, services)
		po.Threads = threads
		if opts.Progress != nil {
			po.Progress = func(p Progress) {
				p.Phase = tag + p.Phase
				mu.Lock()
				defer mu.Unlock()
				opts.Progress(p)
			}
		}
		if opts.Log != nil {
			po.Log = func(line string) {
				mu.Lock()
				defer mu.Unlock()
				opts.Log(tag + line)
			}
		}
		sem <- struct{}{}
		waves := (n - i + slots - 1) / slots
		po.TimeLimit = max(time.Until(deadline)/time.Duration(waves), time.Millisecond)
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			offset := time.Since(began)
			r, err := one(ctx, part, po)
			if r != nil && r.Plan != nil {
				// The part's plan times count from the start of the whole.
				r.FirstPlan, r.FinalPlan = r.FirstPlan+offset, r.FinalPlan+offset
			}
			if err == nil && r == nil {
				err = errors.New("no result")
			}
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("part %d/%d: %w", i+1, n, err)
					cancel()
				}
				mu.Unlock()
				return
			}
			results[i] = r
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, true, firstErr
	}
	res := mergeResults(results)
	res.SolveTime = time.Since(began)
	return res, true, nil
}

// mergeResults combines the results of independent parts (see splitSolve).
func mergeResults(results []*Result) *Result {
	n := len(results)
	res := &Result{Status: StatusOptimal, Plan: &Plan{}}
	if n > 0 {
		res.Solver = results[0].Solver
	}
	infeasible, noPlan, feasible := false, false, false
	for i, r := range results {
		switch {
		case r.Status == StatusInfeasible:
			infeasible = true
		case r.Plan == nil:
			noPlan = true
		case r.Status == StatusFeasible:
			feasible = true
		}
		res.FirstPlan, res.FinalPlan = max(res.FirstPlan, r.FirstPlan), max(res.FinalPlan, r.FinalPlan)
		res.Objective += r.Objective
		res.Bound += r.Bound
		res.Interrupted = res.Interrupted || r.Interrupted
		res.Model.Rows += r.Model.Rows
		res.Model.Cols += r.Model.Cols
		res.Model.Nonzeros += r.Model.Nonzeros
		res.Model.Integers += r.Model.Integers
		tag := fmt.Sprintf("part %d/%d ", i+1, n)
		for _, ph := range r.Phases {
			ph.Name = tag + ph.Name
			res.Phases = append(res.Phases, ph)
		}
		if r.Plan != nil {
			res.Plan.Replicas = append(res.Plan.Replicas, r.Plan.Replicas...)
			res.Plan.Routes = append(res.Plan.Routes, r.Plan.Routes...)
			res.Plan.DependencyRoutes = append(res.Plan.DependencyRoutes, r.Plan.DependencyRoutes...)
			res.Plan.Unmet = append(res.Plan.Unmet, r.Plan.Unmet...)
		}
	}
	switch {
	case infeasible:
		res.Status = StatusInfeasible
	case noPlan:
		res.Status = StatusNoPlan
	case feasible:
		res.Status = StatusFeasible
	}
	if infeasible || noPlan {
		res.Plan = nil
		res.FirstPlan, res.FinalPlan = -1, -1
		res.Gap = math.Inf(1)
		return res
	}
	sort.SliceStable(res.Plan.Replicas, func(i, j int) bool {
		a, b := res.Plan.Replicas[i], res.Plan.Replicas[j]
		return a.Service < b.Service || (a.Service == b.Service && a.Cluster < b.Cluster)
	})
	switch {
	case res.Objective != 0:
		res.Gap = math.Max(0, (res.Objective-res.Bound)/math.Abs(res.Objective))
	case res.Bound != 0:
		res.Gap = math.Inf(1)
	}
	return res
}
