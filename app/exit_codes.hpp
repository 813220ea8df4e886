// The exit codes of syncdrill, the contract CI pipelines gate on.
#pragma once

namespace syncdrill {

inline constexpr int kExitOk = 0;        // every SLA tier held (or nothing was scored)
inline constexpr int kExitBreached = 1;  // a tier was breached
inline constexpr int kExitUsage = 2;     // bad input: a scenario error, a bad flag, a limit hit
inline constexpr int kExitInternal = 3;  // a bug in syncdrill or an unwritable output

}  // namespace syncdrill
