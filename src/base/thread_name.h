#pragma once

// Names the calling thread (Linux: at most 15 characters, cut beyond), so
// `perf report --sort comm`, top -H and gdb tell the server's threads apart.

#include <pthread.h>

#include <string>

namespace aw {

inline void SetThreadName(const char* name) {
  std::string cut(name);
  if (cut.size() > 15) cut.resize(15);
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace aw
