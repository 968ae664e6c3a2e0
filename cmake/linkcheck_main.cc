// The program of the bitmill_linkcheck_AREA targets (cmake/bitmill_area.cmake): it is never run.
// Linking every object of an area with only its declared dependencies is the check.
int main() { return 0; }
