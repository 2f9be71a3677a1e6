#include <cstdio>

int main() {
  std::puts("alertwhisperer");
  return 0;
}
