#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "results/hdf5.hpp"
#include "sim/errors.hpp"

namespace fs = std::filesystem;
namespace hdf5 = results::hdf5;

namespace {

struct File {
  fs::path path = fs::temp_directory_path() / ("ppisim-hdf5-" + std::to_string(::getpid()) + ".h5");
  hdf5::Handle handle;
  File() {
    hdf5::silence_library_errors();
    fs::remove(path);
    handle = hdf5::create_file(path.string());
  }
  ~File() {
    handle.reset();
    fs::remove(path);
  }
};

bool has_fletcher32(hid_t dataset) {
  const hdf5::Handle properties(H5Dget_create_plist(dataset), H5Pclose, "properties");
  for (int i = 0; i < H5Pget_nfilters(properties.id()); ++i) {
    unsigned flags = 0;
    std::size_t count = 0;
    if (H5Pget_filter2(properties.id(), static_cast<unsigned>(i), &flags, &count, nullptr, 0, nullptr, nullptr) ==
        H5Z_FILTER_FLETCHER32)
      return true;
  }
  return false;
}

}  // namespace

TEST_CASE("every dataset with values carries a Fletcher32 checksum, text included") {
  File file;
  const double values[3] = {1, 2, 3};
  auto column = hdf5::Dataset::create_doubles(file.handle.id(), "column", {3});
  column.write_all(values);
  auto table = hdf5::Dataset::create_doubles(file.handle.id(), "table", {1, 3});
  table.write_all(values);
  hdf5::write_strings(file.handle.id(), "names", {"a", "longer name", ""});
  CHECK(has_fletcher32(column.id()));
  CHECK(has_fletcher32(table.id()));
  const hdf5::Handle names(H5Dopen2(file.handle.id(), "names", H5P_DEFAULT), H5Dclose, "names");
  CHECK(has_fletcher32(names.id()));
  CHECK(hdf5::read_strings(file.handle.id(), "names") == std::vector<std::string>{"a", "longer name", ""});
  // An empty dataset cannot be chunked, and has nothing to check.
  CHECK_NOTHROW(hdf5::Dataset::create_doubles(file.handle.id(), "empty", {0}));
  CHECK(hdf5::read_strings(file.handle.id(), "names").size() == 3);
}

TEST_CASE("a dataset is checked against the shape and type a reader needs") {
  File file;
  const auto column = hdf5::Dataset::create_doubles(file.handle.id(), "column", {3});
  CHECK_NOTHROW(column.require("/column", {3}, H5T_FLOAT));
  CHECK_THROWS_WITH(column.require("/column", {4}, H5T_FLOAT), "/column has shape 3 where the file needs 4");
  CHECK_THROWS_WITH(column.require("/column", {3, 1}, H5T_FLOAT), "/column has shape 3 where the file needs 3 x 1");
  CHECK_THROWS_WITH(column.require("/column", {3}, H5T_INTEGER),
                    "/column holds non-integers where the file needs integers");
  CHECK_THROWS_AS(hdf5::read_strings(file.handle.id(), "column"), sim::RuntimeFailure);
}
