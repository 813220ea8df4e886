// Process-wide allocator settings for a long simulation; called once by a program's main(),
// before anything is allocated in earnest. Never called by the libraries themselves.
#pragma once

namespace syncdrill {

// glibc raises its mmap threshold each time a large block is freed (up to 32 MiB); from then on
// mid-sized buffers come from the heap, and the ones freed fragment it. In the 24-hour campaign
// that was about 18 MiB of peak resident memory holding nothing. This fixes the threshold at
// glibc's default (128 KiB): a block from there up that no free heap space holds is a mapping of
// its own, returned to the system when freed. A no-op on other C libraries.
void keep_large_blocks_mapped();

}  // namespace syncdrill
