package highs

// This file holds the Go side of HiGHS's callbacks. Its preamble may hold
// declarations only (it is copied into cgo's export file), so it includes
// callback.h and not highs_c_api.h, whose constants are C definitions.

/*
#include "callback.h"
*/
import "C"

import (
	"runtime/cgo"
	"strings"
	"time"
	"unsafe"
)

//export auxonGoCallback
func auxonGoCallback(typ C.int, msg *C.char, out *C.HighsCallbackDataOut, handle C.uintptr_t) {
	cs := cgo.Handle(handle).Value().(*callState)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	switch typ {
	case C.AUXON_CB_LOG:
		if cs.log != nil && msg != nil {
			cs.logText(C.GoString(msg))
		}
	case C.AUXON_CB_IMPROVED, C.AUXON_CB_MIPLOG:
		if out == nil {
			return
		}
		improved := typ == C.AUXON_CB_IMPROVED
		if cs.progress != nil {
			cs.progress(Progress{
				Elapsed:   time.Duration(float64(out.running_time) * float64(time.Second)),
				Incumbent: float64(out.mip_primal_bound),
				Bound:     float64(out.mip_dual_bound),
				Gap:       float64(out.mip_gap),
				Nodes:     int64(out.mip_node_count),
				Improved:  improved,
			})
		}
		if improved && cs.solution != nil && out.mip_solution != nil && cs.ncol > 0 {
			x := make([]float64, cs.ncol)
			copy(x, unsafe.Slice((*float64)(unsafe.Pointer(out.mip_solution)), cs.ncol))
			cs.solution(x, float64(out.objective_function_value))
		}
	}
}

// logText splits HiGHS output into lines; HiGHS sometimes writes one line
// in several pieces.
func (cs *callState) logText(s string) {
	s = cs.partial + s
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			break
		}
		cs.log(strings.TrimRight(s[:i], "\r"))
		s = s[i+1:]
	}
	cs.partial = s
}

// flush delivers an unfinished last log line.
func (cs *callState) flush() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.partial != "" && cs.log != nil {
		cs.log(cs.partial)
	}
	cs.partial = ""
}
