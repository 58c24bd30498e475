// callback.h declares what capi.go's C trampoline and callback.go's
// exported Go function share. Declarations only: cgo copies it into two
// C files.
#ifndef AUXON_HIGHS_CALLBACK_H
#define AUXON_HIGHS_CALLBACK_H

#include <stdint.h>
#include "lp_data/HighsCallbackStruct.h"

// The callback kinds the trampoline forwards to Go.
enum { AUXON_CB_LOG = 1, AUXON_CB_IMPROVED = 2, AUXON_CB_MIPLOG = 3 };

extern void auxonGoCallback(int kind, char* msg, HighsCallbackDataOut* out, uintptr_t handle);

#endif
