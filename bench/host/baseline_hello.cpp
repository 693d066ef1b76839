// Baseline for the start-up benchmark: the smallest C++ program, built with the same flags.
#include <cstdio>
int main() {
    std::puts("hello");
    return 0;
}
