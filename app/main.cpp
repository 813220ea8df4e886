#include "app/cli.hpp"
#include "core/engine/malloc_tuning.hpp"

int main(int argc, char** argv) {
  syncdrill::keep_large_blocks_mapped();
  return syncdrill::cli_main(argc, argv);
}
