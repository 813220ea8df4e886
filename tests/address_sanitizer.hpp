// Whether this build runs under AddressSanitizer (GCC's __SANITIZE_ADDRESS__, clang's
// __has_feature): its allocator replaces glibc's malloc and its shadow memory multiplies every
// resident-set figure, so tests of either say so and skip.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define SYNCDRILL_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SYNCDRILL_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef SYNCDRILL_ADDRESS_SANITIZER
#define SYNCDRILL_ADDRESS_SANITIZER 0
#endif
