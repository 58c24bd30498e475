package highs

/*
#include <stdlib.h>
#include <stdint.h>
#cgo pkg-config: highs
#include "interfaces/highs_c_api.h"

// auxon's binding is written for 32-bit HighsInt, the default build.
typedef char auxon_highsint_must_be_32_bit[(sizeof(HighsInt) == 4) ? 1 : -1];

// auxon_state is shared between Go and the C callback. interrupt is set by
// Go (atomically) when the solve's context ends; handle is a cgo.Handle of
// the Go-side callState.
typedef struct {
	int interrupt;
	uintptr_t handle;
} auxon_state;

#include "callback.h"

static void auxon_callback(int type, const char* msg, const HighsCallbackDataOut* out,
                           HighsCallbackDataIn* in, void* data) {
	auxon_state* st = (auxon_state*)data;
	if (type == kHighsCallbackSimplexInterrupt || type == kHighsCallbackIpmInterrupt ||
	    type == kHighsCallbackMipInterrupt) {
		if (in != NULL && __atomic_load_n(&st->interrupt, __ATOMIC_ACQUIRE)) {
			in->user_interrupt = 1;
		}
		return;
	}
	int kind;
	if (type == kHighsCallbackLogging) kind = AUXON_CB_LOG;
	else if (type == kHighsCallbackMipImprovingSolution) kind = AUXON_CB_IMPROVED;
	else if (type == kHighsCallbackMipLogging) kind = AUXON_CB_MIPLOG;
	else return;
	auxonGoCallback(kind, (char*)msg, (HighsCallbackDataOut*)out, st->handle);
}

static auxon_state* auxon_state_new(uintptr_t handle) {
	auxon_state* st = (auxon_state*)calloc(1, sizeof(auxon_state));
	if (st != NULL) st->handle = handle;
	return st;
}

static void auxon_interrupt(auxon_state* st) { __atomic_store_n(&st->interrupt, 1, __ATOMIC_RELEASE); }

static HighsInt auxon_set_callback(void* h, auxon_state* st) {
	return Highs_setCallback(h, auxon_callback, st);
}

// HiGHS 1.10 keeps its task scheduler in a thread_local handle
// (HighsTaskExecutor::globalExecutorHandle), so each OS thread has its
// own, sized by the first run on that thread; a later run there that asks
// for another number of threads fails. auxon_threads is the size of this
// OS thread's scheduler (0 before the first run), and auxon_scheduler
// resets the scheduler when a run asks for another size. It runs in the
// same cgo call as the run it prepares, so no other run can be using
// this thread's scheduler.
static __thread HighsInt auxon_threads;

static void auxon_scheduler(HighsInt threads) {
	if (auxon_threads != 0 && auxon_threads != threads) Highs_resetGlobalScheduler(1);
	auxon_threads = threads;
}

static HighsInt auxon_run(void* h, HighsInt threads) {
	auxon_scheduler(threads);
	return Highs_run(h);
}

static HighsInt auxon_feasibility_relaxation(void* h, HighsInt threads, double col_lower, double col_upper,
                                             double row, const double* col_lowers, const double* col_uppers,
                                             const double* rows) {
	auxon_scheduler(threads);
	return Highs_feasibilityRelaxation(h, col_lower, col_upper, row, col_lowers, col_uppers, rows);
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/cgo"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// This file is the only one that crosses into C: highs_c_api.h defines its
// constants as C globals, so it may be included by one cgo file only.

// instance is one HiGHS object with auxon's callback wired in. It lives
// for one call and is always destroyed by close.
type instance struct {
	h     unsafe.Pointer
	state *C.auxon_state
	call  *callState
	hnd   cgo.Handle
	ncol  int
	// threads is the value of HiGHS's threads option for this instance.
	threads int
}

// callState is what the C callback reaches through the cgo.Handle.
type callState struct {
	mu       sync.Mutex
	log      func(string)
	progress func(Progress)
	solution func([]float64, float64)
	ncol     int
	partial  string // a log line HiGHS has not finished yet
}

// newInstance creates a HiGHS instance whose output goes to opts.Log and
// never to the terminal, and applies opts.
func newInstance(opts *Options) (*instance, error) {
	h := C.Highs_create()
	if h == nil {
		return nil, errors.New("highs: Highs_create failed")
	}
	in := &instance{h: h, call: &callState{}}
	if opts != nil {
		in.call.log, in.call.progress, in.call.solution = opts.Log, opts.Progress, opts.Solution
	}
	// Silence HiGHS before anything can print, then route its output to
	// the callback: with a logging callback active HiGHS writes nothing to
	// stdout.
	in.setRaw("output_flag", false)
	in.hnd = cgo.NewHandle(in.call)
	in.state = C.auxon_state_new(C.uintptr_t(in.hnd))
	if in.state == nil {
		in.close()
		return nil, errors.New("highs: out of memory")
	}
	if C.auxon_set_callback(h, in.state) == C.kHighsStatusError {
		in.close()
		return nil, errors.New("highs: Highs_setCallback failed")
	}
	for _, t := range []C.int{C.kHighsCallbackLogging, C.kHighsCallbackSimplexInterrupt,
		C.kHighsCallbackIpmInterrupt, C.kHighsCallbackMipInterrupt,
		C.kHighsCallbackMipImprovingSolution, C.kHighsCallbackMipLogging} {
		if C.Highs_startCallback(h, t) == C.kHighsStatusError {
			in.close()
			return nil, fmt.Errorf("highs: Highs_startCallback(%d) failed", int(t))
		}
	}
	in.setRaw("output_flag", true)
	in.threads = opts.threads()
	for _, o := range opts.effective() {
		if err := in.set(o.Name, o.Value); err != nil {
			in.close()
			return nil, err
		}
		if n, ok := o.Value.(int); ok && o.Name == "threads" && n > 0 {
			in.threads = n
		}
	}
	// Always explicit: with threads 0, HiGHS would run on whatever
	// scheduler this OS thread has (see auxon_scheduler), and the run
	// resets that scheduler to this size.
	if err := in.set("threads", in.threads); err != nil {
		in.close()
		return nil, err
	}
	return in, nil
}

// load creates an instance with opts and hands it m; the caller closes it.
func load(m *Model, opts *Options) (*instance, error) {
	in, err := newInstance(opts)
	if err != nil {
		return nil, err
	}
	if err := in.pass(m); err != nil {
		in.close()
		return nil, err
	}
	return in, nil
}

// close destroys the HiGHS instance and frees everything it held.
func (in *instance) close() {
	if in.h != nil {
		C.Highs_destroy(in.h)
		in.h = nil
	}
	if in.state != nil {
		C.free(unsafe.Pointer(in.state))
		in.state = nil
	}
	if in.hnd != 0 {
		in.call.flush()
		in.hnd.Delete()
		in.hnd = 0
	}
}

// setRaw sets a boolean option known to exist.
func (in *instance) setRaw(name string, v bool) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	C.Highs_setBoolOptionValue(in.h, cname, cbool(v))
}

// set sets option name to v, checking v against the option's type.
func (in *instance) set(name string, v any) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var typ C.HighsInt
	if C.Highs_getOptionType(in.h, cname, &typ) != C.kHighsStatusOk {
		return &OptionError{name, v, "no such option"}
	}
	var st C.HighsInt
	switch typ {
	case C.kHighsOptionTypeBool:
		b, ok := v.(bool)
		if !ok {
			return &OptionError{name, v, "want a bool"}
		}
		st = C.Highs_setBoolOptionValue(in.h, cname, cbool(b))
	case C.kHighsOptionTypeInt:
		i, ok := v.(int)
		if !ok {
			return &OptionError{name, v, "want an int"}
		}
		if i < math.MinInt32 || i > math.MaxInt32 {
			return &OptionError{name, v, "out of range"}
		}
		st = C.Highs_setIntOptionValue(in.h, cname, C.HighsInt(i))
	case C.kHighsOptionTypeDouble:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case int:
			f = float64(x)
		default:
			return &OptionError{name, v, "want a float64"}
		}
		st = C.Highs_setDoubleOptionValue(in.h, cname, C.double(f))
	case C.kHighsOptionTypeString:
		s, ok := v.(string)
		if !ok {
			return &OptionError{name, v, "want a string"}
		}
		cs := C.CString(s)
		defer C.free(unsafe.Pointer(cs))
		st = C.Highs_setStringOptionValue(in.h, cname, cs)
	default:
		return &OptionError{name, v, "unknown option type"}
	}
	if st == C.kHighsStatusError {
		return &OptionError{name, v, "rejected by HiGHS (out of range or not allowed)"}
	}
	return nil
}

func cbool(b bool) C.HighsInt {
	if b {
		return 1
	}
	return 0
}

// pass hands m to HiGHS. HiGHS copies the arrays before returning, so Go
// memory is only borrowed for the call.
func (in *instance) pass(m *Model) error {
	if err := m.Check(); err != nil {
		return err
	}
	ncol, nrow, nnz := m.NumCols(), m.NumRows(), m.NumNonzeros()
	in.ncol = ncol
	in.call.ncol = ncol
	sense := C.HighsInt(C.kHighsObjSenseMinimize)
	if m.Sense == Maximize {
		sense = C.kHighsObjSenseMaximize
	}
	var integrality *C.HighsInt
	if m.IsMIP() {
		ints := make([]C.HighsInt, ncol)
		for j, b := range m.Integer {
			if b {
				ints[j] = C.kHighsVarTypeInteger
			}
		}
		integrality = &ints[0]
	}
	var start []int32
	if nrow > 0 {
		start = m.RowStart
	}
	st := C.Highs_passModel(in.h, C.HighsInt(ncol), C.HighsInt(nrow), C.HighsInt(nnz), 0,
		C.kHighsMatrixFormatRowwise, 0, sense, C.double(m.Offset),
		f64(m.ColCost), f64(m.ColLower), f64(m.ColUpper), f64(m.RowLower), f64(m.RowUpper),
		i32(start), i32(m.Index), f64(m.Value), nil, nil, nil, integrality)
	if st == C.kHighsStatusError {
		return errors.New("highs: HiGHS rejected the model (see its log for the reason)")
	}
	for j, name := range m.ColNames {
		if err := in.name(true, j, name); err != nil {
			return err
		}
	}
	for i, name := range m.RowNames {
		if err := in.name(false, i, name); err != nil {
			return err
		}
	}
	return nil
}

// name sets the name of column or row k.
func (in *instance) name(col bool, k int, name string) error {
	if name == "" || strings.ContainsAny(name, " \t\r\n") {
		return fmt.Errorf("highs: name %q must be non-empty and without spaces", name)
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var st C.HighsInt
	if col {
		st = C.Highs_passColName(in.h, C.HighsInt(k), cname)
	} else {
		st = C.Highs_passRowName(in.h, C.HighsInt(k), cname)
	}
	if st == C.kHighsStatusError {
		return fmt.Errorf("highs: name %q rejected", name)
	}
	return nil
}

// run runs HiGHS, interrupting it when ctx ends.
func (in *instance) run(ctx context.Context) C.HighsInt {
	defer in.watch(ctx)()
	return C.auxon_run(in.h, C.HighsInt(in.threads))
}

// watch makes the end of ctx interrupt HiGHS (at its next interrupt
// check) until the returned stop function is called. stop waits for an
// interrupt already under way, so the instance can be freed after it.
func (in *instance) watch(ctx context.Context) (stop func()) {
	if ctx.Err() != nil {
		C.auxon_interrupt(in.state)
	}
	done := make(chan struct{})
	cancel := context.AfterFunc(ctx, func() {
		defer close(done)
		C.auxon_interrupt(in.state)
	})
	return func() {
		if !cancel() {
			<-done // the interrupt started: let it finish with in.state
		}
	}
}

func f64(s []float64) *C.double {
	if len(s) == 0 {
		return nil
	}
	return (*C.double)(unsafe.Pointer(&s[0]))
}

func i32(s []int32) *C.HighsInt {
	if len(s) == 0 {
		return nil
	}
	return (*C.HighsInt)(unsafe.Pointer(&s[0]))
}

// Version is the version string of the linked HiGHS library, such as
// "1.10.0".
func Version() string {
	return fmt.Sprintf("%d.%d.%d", int(C.Highs_versionMajor()), int(C.Highs_versionMinor()), int(C.Highs_versionPatch()))
}

// VersionString is HiGHS's own description of its version, including its
// git hash where the build recorded one.
func VersionString() string {
	return C.GoString(C.Highs_version())
}

// statusOf maps a HiGHS model status to a Status.
func statusOf(modelStatus C.HighsInt) Status {
	switch modelStatus {
	case C.kHighsModelStatusOptimal, C.kHighsModelStatusModelEmpty:
		return StatusOptimal
	case C.kHighsModelStatusInfeasible:
		return StatusInfeasible
	case C.kHighsModelStatusUnbounded:
		return StatusUnbounded
	case C.kHighsModelStatusUnboundedOrInfeasible:
		return StatusInfeasibleOrUnbounded
	case C.kHighsModelStatusTimeLimit:
		return StatusTimeLimit
	case C.kHighsModelStatusInterrupt:
		return StatusInterrupted
	case C.kHighsModelStatusIterationLimit, C.kHighsModelStatusSolutionLimit,
		C.kHighsModelStatusObjectiveBound, C.kHighsModelStatusObjectiveTarget:
		return StatusLimit
	default:
		return StatusError
	}
}

// setStart hands HiGHS a MIP start.
func (in *instance) setStart(x []float64) error {
	if len(x) != in.ncol {
		return fmt.Errorf("highs: MIP start has %d values for %d columns", len(x), in.ncol)
	}
	if C.Highs_setSolution(in.h, f64(x), nil, nil, nil) == C.kHighsStatusError {
		return errors.New("highs: HiGHS rejected the MIP start")
	}
	return nil
}

// result reads the outcome of the last run. With anyPoint, a primal point
// that violates the model (as a feasibility relaxation leaves) is read too.
func (in *instance) result(mip, anyPoint bool) (*Result, error) {
	ms := C.Highs_getModelStatus(in.h)
	r := &Result{
		Status:      statusOf(ms),
		ModelStatus: int(ms),
		Objective:   math.NaN(),
		Gap:         math.Inf(1),
		DualBound:   math.NaN(),
		RunTime:     time.Duration(float64(C.Highs_getRunTime(in.h)) * float64(time.Second)),
	}
	primal := in.intInfo("primal_solution_status")
	r.HasSolution = primal == C.kHighsSolutionStatusFeasible ||
		(anyPoint && primal == C.kHighsSolutionStatusInfeasible)
	nrow := int(C.Highs_getNumRow(in.h))
	if r.HasSolution || ms == C.kHighsModelStatusModelEmpty {
		r.HasSolution = true
		r.X = make([]float64, in.ncol)
		r.RowActivity = make([]float64, nrow)
		withDuals := !mip && in.intInfo("dual_solution_status") == C.kHighsSolutionStatusFeasible
		var cd, rd *C.double
		if withDuals {
			r.ColDual = make([]float64, in.ncol)
			r.RowDual = make([]float64, nrow)
			cd, rd = f64(r.ColDual), f64(r.RowDual)
		}
		if C.Highs_getSolution(in.h, f64(r.X), cd, f64(r.RowActivity), rd) == C.kHighsStatusError {
			return nil, errors.New("highs: Highs_getSolution failed")
		}
		r.Objective = float64(C.Highs_getObjectiveValue(in.h))
	}
	r.Iterations = int64(in.intInfo("simplex_iteration_count"))
	if mip {
		r.DualBound = in.doubleInfo("mip_dual_bound")
		r.Nodes = in.int64Info("mip_node_count")
		if r.HasSolution {
			r.Gap = in.doubleInfo("mip_gap")
		}
	} else if r.Status == StatusOptimal {
		r.DualBound, r.Gap = r.Objective, 0
	}
	return r, nil
}

func (in *instance) intInfo(name string) C.HighsInt {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var v C.HighsInt
	if C.Highs_getIntInfoValue(in.h, cname, &v) != C.kHighsStatusOk {
		return -1
	}
	return v
}

// int64Info reads an int64 info value; 0 when HiGHS has none by that name.
func (in *instance) int64Info(name string) int64 {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var v C.int64_t
	if C.Highs_getInt64InfoValue(in.h, cname, &v) != C.kHighsStatusOk {
		return 0
	}
	return int64(v)
}

func (in *instance) doubleInfo(name string) float64 {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var v C.double
	if C.Highs_getDoubleInfoValue(in.h, cname, &v) != C.kHighsStatusOk {
		return math.NaN()
	}
	return float64(v)
}

// model copies the instance's model out of HiGHS, row-wise.
func (in *instance) model() (*Model, error) {
	ncol, nrow, nnz := int(C.Highs_getNumCol(in.h)), int(C.Highs_getNumRow(in.h)), int(C.Highs_getNumNz(in.h))
	m := &Model{
		ColCost: make([]float64, ncol), ColLower: make([]float64, ncol), ColUpper: make([]float64, ncol),
		RowLower: make([]float64, nrow), RowUpper: make([]float64, nrow),
		RowStart: make([]int32, nrow+1), Index: make([]int32, nnz), Value: make([]float64, nnz),
	}
	ints := make([]C.HighsInt, ncol+1)
	var gotCol, gotRow, gotNnz, sense C.HighsInt
	var offset C.double
	if C.Highs_getLp(in.h, C.kHighsMatrixFormatRowwise, &gotCol, &gotRow, &gotNnz, &sense, &offset,
		f64(m.ColCost), f64(m.ColLower), f64(m.ColUpper), f64(m.RowLower), f64(m.RowUpper),
		i32(m.RowStart), i32(m.Index), f64(m.Value), &ints[0]) == C.kHighsStatusError {
		return nil, fmt.Errorf("Highs_getLp failed")
	}
	m.RowStart[nrow] = int32(nnz)
	m.Offset = float64(offset)
	if sense == C.kHighsObjSenseMaximize {
		m.Sense = Maximize
	}
	for j := 0; j < ncol; j++ {
		if ints[j] == C.kHighsVarTypeInteger {
			if m.Integer == nil {
				m.Integer = make([]bool, ncol)
			}
			m.Integer[j] = true
		}
	}
	if nrow == 0 {
		m.RowStart = nil
	}
	buf := (*C.char)(C.malloc(C.size_t(C.kHighsMaximumStringLength + 1)))
	defer C.free(unsafe.Pointer(buf))
	m.ColNames = in.names(ncol, buf, func(k C.HighsInt) C.HighsInt { return C.Highs_getColName(in.h, k, buf) })
	m.RowNames = in.names(nrow, buf, func(k C.HighsInt) C.HighsInt { return C.Highs_getRowName(in.h, k, buf) })
	in.ncol = ncol
	return m, nil
}

// names reads n names through get, or returns nil if the model has none.
func (in *instance) names(n int, buf *C.char, get func(C.HighsInt) C.HighsInt) []string {
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for k := range out {
		if get(C.HighsInt(k)) != C.kHighsStatusOk {
			return nil
		}
		out[k] = C.GoString(buf)
	}
	return out
}

// feasibilityRelaxation runs Highs_feasibilityRelaxation with ro's
// penalties.
func (in *instance) feasibilityRelaxation(ro RelaxOptions) error {
	st := C.auxon_feasibility_relaxation(in.h, C.HighsInt(in.threads), C.double(ro.ColLowerPenalty), C.double(ro.ColUpperPenalty),
		C.double(ro.RowPenalty), f64(ro.ColLowerPenalties), f64(ro.ColUpperPenalties), f64(ro.RowPenalties))
	if st == C.kHighsStatusError {
		return errors.New("highs: feasibility relaxation failed")
	}
	return nil
}

// writeModel writes the model to path; HiGHS picks the format by extension.
func (in *instance) writeModel(path string) bool {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return C.Highs_writeModel(in.h, cpath) != C.kHighsStatusError
}

// readModel reads a model file into the instance.
func (in *instance) readModel(path string) bool {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return C.Highs_readModel(in.h, cpath) != C.kHighsStatusError
}
