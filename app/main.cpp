#include "app/cli.hpp"

int main(int argc, char** argv) {
  return syncdrill::cli_main(argc, argv);
}
