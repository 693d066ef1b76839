// Temporary: replaced by the real host.
int main() { return 0; }
