// Errors thrown by the addon: a JS Error carrying `errno` and `syscall`, which the TypeScript
// layer maps to a LinuxNetError with a stable code.
#pragma once
#include <napi.h>

namespace pptpkit {

// Throws an Error for a failed system call and returns undefined (for `return` in bindings).
Napi::Value ThrowErrno(Napi::Env env, const char* syscall, int err);

}  // namespace pptpkit
