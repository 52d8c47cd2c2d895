#pragma once
// A thin RAII layer over the HDF5 C library: handles that close themselves,
// and every failure turned into a RuntimeFailure that names the object.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace results::hdf5 {

class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what);
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  [[nodiscard]] hid_t id() const { return id_; }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

// Silences HDF5's own stack printing; ppisim reports errors itself.
void silence_library_errors();

// Throws RuntimeFailure("<what>: <HDF5's innermost message>") when status < 0.
void check(herr_t status, const std::string& what);

Handle create_file(const std::string& path);  // fails if it exists
Handle open_file_read_only(const std::string& path);
Handle open_file_read_write(const std::string& path);
Handle create_group(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);
bool exists(hid_t parent, const std::string& name);
// A 1-D dataset of UTF-8 strings.
void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values);
std::vector<std::string> read_strings(hid_t parent, const std::string& name);
std::vector<std::string> list_members(hid_t group);

void write_string_attribute(hid_t object, const std::string& name, const std::string& value);
void write_uint64_attribute(hid_t object, const std::string& name, std::uint64_t value);
std::string read_string_attribute(hid_t object, const std::string& name);
std::uint64_t read_uint64_attribute(hid_t object, const std::string& name);
bool has_attribute(hid_t object, const std::string& name);

// A 1-D or 2-D numeric dataset of fixed shape, written a row (or rows) at a time.
// 2-D datasets are chunked in whole rows of about 8,192 values and compressed
// (shuffle + deflate).
class Dataset {
 public:
  static Dataset create_doubles(hid_t parent, const std::string& name, std::vector<hsize_t> shape);
  static Dataset create_uint64s(hid_t parent, const std::string& name, std::vector<hsize_t> shape);
  static Dataset open(hid_t parent, const std::string& name);

  void write_row(hsize_t row, const double* values);  // one row of a 2-D, or one element of a 1-D dataset
  void write_row(hsize_t row, const std::uint64_t* values);
  // `count` consecutive rows from `first` in one call (row-major values).
  void write_rows(hsize_t first, hsize_t count, const double* values);
  void write_rows(hsize_t first, hsize_t count, const std::uint64_t* values);
  void write_all(const double* values);
  void describe(const std::string& units, const std::string& description);

  [[nodiscard]] const std::vector<hsize_t>& shape() const { return shape_; }
  // Readers check a dataset against what the rest of the file says before
  // using it: a RuntimeFailure naming `what` (e.g. "/runs/seed") unless it has
  // exactly this shape and holds values of this class (H5T_FLOAT, H5T_INTEGER).
  void require(const std::string& what, const std::vector<hsize_t>& shape, H5T_class_t type_class) const;
  [[nodiscard]] std::vector<double> read_doubles() const;
  [[nodiscard]] std::vector<std::uint64_t> read_uint64s() const;
  [[nodiscard]] hid_t id() const { return handle_.id(); }

 private:
  Dataset(Handle handle, std::string name);
  static Dataset create(hid_t parent, const std::string& name, std::vector<hsize_t> shape, hid_t type);
  void write_rows_of(hsize_t first, hsize_t count, const void* values, hid_t memory_type);

  Handle handle_;
  std::string name_;
  std::vector<hsize_t> shape_;  // fixed at creation: read once, not on every write
};

}  // namespace results::hdf5
