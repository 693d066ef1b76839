// mosaic: the command-line front of the Mosaic platform. See app.hpp.
#include "app.hpp"

int main(int argc, char** argv) { return mosaic::host::run_mosaic(argc, argv); }
