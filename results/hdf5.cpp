#include "results/hdf5.hpp"

#include <algorithm>

#include "sim/errors.hpp"

namespace results::hdf5 {
namespace {

// Values per chunk of a 2-D dataset: 64 KiB of doubles (Dataset::create).
constexpr hsize_t kValuesPerChunk = 8192;
// zlib level of the deflate filter on 2-D datasets (dataset_properties).
constexpr unsigned kDeflateLevel = 1;

// HDF5 would close files still open at exit in an atexit handler; a file
// whose close failed (a full disk) makes that handler crash (HDF5 1.10), so
// exit leaves them to the operating system. Every file we write is closed
// explicitly before it is renamed into place.
[[maybe_unused]] const bool kNoLibraryAtExit = (H5dont_atexit(), true);

herr_t collect_message(unsigned, const H5E_error2_t* error, void* out) {
  auto* text = static_cast<std::string*>(out);
  if (error && error->desc) *text = error->desc;  // keep the innermost cause
  // System errors come as a multi-line record: keep its "error message = '...'".
  const std::string marker = "error message = '";
  if (const auto at = text->find(marker); at != std::string::npos) {
    const auto end = text->find('\'', at + marker.size());
    *text = text->substr(at + marker.size(), end == std::string::npos ? std::string::npos : end - at - marker.size());
  }
  std::replace(text->begin(), text->end(), '\n', ' ');  // errors are one line
  return 0;
}

std::string library_message() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_message, &text);
  H5Eclear2(H5E_DEFAULT);
  return text.empty() ? "HDF5 error" : text;
}

hid_t checked_id(hid_t id, const std::string& what) {
  if (id < 0) throw sim::RuntimeFailure(what + ": " + library_message());
  return id;
}

}  // namespace

Handle::Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(checked_id(id, what)), close_(close) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

void Handle::reset() {
  if (id_ >= 0 && close_) close_(id_);
  id_ = H5I_INVALID_HID;
}

void silence_library_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

void check(herr_t status, const std::string& what) {
  if (status < 0) throw sim::RuntimeFailure(what + ": " + library_message());
}

Handle create_file(const std::string& path) {
  // A chunk cache of one chunk and a half (chunks are at most 64 KiB, see
  // Dataset::create; a longer single row bypasses the cache): rows come in
  // order, so when a row starts the next chunk the previous one is complete,
  // and it is compressed and written then, while later runs are still
  // simulating, instead of every chunk at once when the file is closed
  // (HDF5's default cache, 1 MiB a dataset, kept them all until then). Rows
  // out of order still land: an evicted chunk is read back when needed.
  const Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "cannot make file access properties");
  check(H5Pset_cache(access.id(), 0, 101, kValuesPerChunk * sizeof(double) * 3 / 2, 1.0), "cannot size the chunk cache");
  return {H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, access.id()), H5Fclose, "cannot create " + path};
}

Handle open_file_read_only(const std::string& path) {
  return {H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "cannot open " + path + " as HDF5"};
}

Handle open_file_read_write(const std::string& path) {
  return {H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "cannot open " + path + " as HDF5 for writing"};
}

Handle create_group(hid_t parent, const std::string& name) {
  // Members keep the order they were declared in, which is the order people read.
  const Handle properties(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "cannot make group properties");
  check(H5Pset_link_creation_order(properties.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
        "cannot track creation order");
  return {H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, properties.id(), H5P_DEFAULT), H5Gclose,
          "cannot create group " + name};
}

Handle open_group(hid_t parent, const std::string& name) {
  return {H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, "cannot open group " + name};
}

bool exists(hid_t parent, const std::string& name) { return H5Lexists(parent, name.c_str(), H5P_DEFAULT) > 0; }

static Handle string_type();
static Handle dataset_properties(const std::string& name, const std::vector<hsize_t>& shape);

// Text datasets are fixed-length UTF-8 (each value NUL-padded to the longest):
// HDF5 cannot filter variable-length strings, whose text lives outside the
// dataset, so only fixed-length text can carry the Fletcher32 checksum.
void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& value : values) width = std::max(width, value.size());
  const Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
  check(H5Tset_size(type.id(), width), "cannot size a string type");
  check(H5Tset_strpad(type.id(), H5T_STR_NULLPAD), "cannot pad a string type");
  check(H5Tset_cset(type.id(), H5T_CSET_UTF8), "cannot set UTF-8");
  const hsize_t count = values.size();
  const Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose, "cannot make the shape of " + name);
  const Handle properties = dataset_properties(name, {count});
  const Handle dataset(H5Dcreate2(parent, name.c_str(), type.id(), space.id(), H5P_DEFAULT, properties.id(), H5P_DEFAULT),
                       H5Dclose, "cannot create dataset " + name);
  std::string packed(width * values.size(), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) values[i].copy(packed.data() + i * width, width);
  if (count) check(H5Dwrite(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()), "cannot write " + name);
}

// Reads fixed-length text (what ppisim writes) and variable-length text (what
// it wrote before checksums, and what other tools may write).
std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  const Handle dataset(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "cannot open dataset " + name);
  const Handle space(H5Dget_space(dataset.id()), H5Sclose, "cannot read the shape of " + name);
  if (H5Sget_simple_extent_ndims(space.id()) != 1) throw sim::RuntimeFailure(name + " is not a list of text");
  const hssize_t count = H5Sget_simple_extent_npoints(space.id());
  if (count < 0) check(-1, "cannot count " + name);
  const Handle stored(H5Dget_type(dataset.id()), H5Tclose, "cannot read the type of " + name);
  if (H5Tget_class(stored.id()) != H5T_STRING) throw sim::RuntimeFailure(name + " does not hold text");
  std::vector<std::string> values;
  if (H5Tis_variable_str(stored.id()) > 0) {
    const Handle type = string_type();
    std::vector<char*> pointers(static_cast<std::size_t>(count), nullptr);
    if (count) check(H5Dread(dataset.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "cannot read " + name);
    for (char* pointer : pointers) {
      values.emplace_back(pointer ? pointer : "");
      H5free_memory(pointer);
    }
    return values;
  }
  const std::size_t width = H5Tget_size(stored.id());
  std::string packed(width * static_cast<std::size_t>(count), '\0');
  if (count) check(H5Dread(dataset.id(), stored.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()), "cannot read " + name);
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    const std::string value = packed.substr(i * width, width);
    values.push_back(value.substr(0, value.find('\0')));
  }
  return values;
}

static bool tracks_creation_order(hid_t group) {
  const Handle properties(H5Gget_create_plist(group), H5Pclose, "cannot read group properties");
  unsigned flags = 0;
  return H5Pget_link_creation_order(properties.id(), &flags) >= 0 && (flags & H5P_CRT_ORDER_INDEXED);
}

std::vector<std::string> list_members(hid_t group) {
  H5G_info_t info;
  check(H5Gget_info(group, &info), "cannot list group");
  const H5_index_t order = tracks_creation_order(group) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size = H5Lget_name_by_idx(group, ".", order, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (size < 0) check(-1, "cannot read a member name");
    std::string name(static_cast<std::size_t>(size), '\0');
    check(static_cast<herr_t>(H5Lget_name_by_idx(group, ".", order, H5_ITER_INC, i, name.data(), name.size() + 1,
                                                 H5P_DEFAULT)),
          "cannot read a member name");
    names.push_back(name);
  }
  return names;
}

static Handle string_type() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "cannot make a string type");
  check(H5Tset_size(type.id(), H5T_VARIABLE), "cannot size a string type");
  check(H5Tset_cset(type.id(), H5T_CSET_UTF8), "cannot set UTF-8");
  return type;
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  const Handle type = string_type();
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose, "cannot make a scalar space");
  const Handle attribute(H5Acreate2(object, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                         "cannot create attribute " + name);
  const char* text = value.c_str();
  check(H5Awrite(attribute.id(), type.id(), &text), "cannot write attribute " + name);
}

void write_uint64_attribute(hid_t object, const std::string& name, std::uint64_t value) {
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose, "cannot make a scalar space");
  const Handle attribute(H5Acreate2(object, name.c_str(), H5T_STD_U64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                         H5Aclose, "cannot create attribute " + name);
  check(H5Awrite(attribute.id(), H5T_NATIVE_UINT64, &value), "cannot write attribute " + name);
}

bool has_attribute(hid_t object, const std::string& name) { return H5Aexists(object, name.c_str()) > 0; }

std::string read_string_attribute(hid_t object, const std::string& name) {
  const Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "cannot open attribute " + name);
  const Handle stored(H5Aget_type(attribute.id()), H5Tclose, "cannot read the type of " + name);
  if (H5Tget_class(stored.id()) != H5T_STRING) throw sim::RuntimeFailure("attribute " + name + " is not text");
  if (H5Tis_variable_str(stored.id()) > 0) {
    const Handle type = string_type();
    char* text = nullptr;
    check(H5Aread(attribute.id(), type.id(), &text), "cannot read attribute " + name);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(stored.id()), '\0');
  check(H5Aread(attribute.id(), stored.id(), value.data()), "cannot read attribute " + name);
  return value.substr(0, value.find('\0'));
}

std::uint64_t read_uint64_attribute(hid_t object, const std::string& name) {
  const Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose, "cannot open attribute " + name);
  std::uint64_t value = 0;
  check(H5Aread(attribute.id(), H5T_NATIVE_UINT64, &value), "cannot read attribute " + name);
  return value;
}

// Every dataset with data is chunked and carries HDF5's Fletcher32 checksum,
// so a flipped byte anywhere in its values is an error when it is read, never
// a different number (HDF5 checks it on every read by default). A dataset
// without data cannot be chunked (fixed dimensions of 0), and has nothing to
// check. 2-D datasets are also compressed; the checksum comes last, so it
// covers the bytes on disk and damage is found before inflating them.
static Handle dataset_properties(const std::string& name, const std::vector<hsize_t>& shape) {
  Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "cannot make dataset properties");
  const bool has_values = !shape.empty() && std::all_of(shape.begin(), shape.end(), [](hsize_t n) { return n > 0; });
  if (has_values) {
    // Chunks of about 8,192 values (64 KiB) in whole rows: several runs of a
    // few years' series share a chunk, narrow tables (a design's few
    // columns) many rows. Compressing a chunk has a fixed cost (zlib set-up,
    // HDF5 bookkeeping) and deflate finds more to share in a larger one:
    // with 1,024-value chunks, compression was half of writing a town run.
    const hsize_t row_values = shape.size() == 2 ? shape[1] : 1;
    std::vector<hsize_t> chunk = shape;
    chunk[0] = std::clamp<hsize_t>(kValuesPerChunk / row_values, 1, shape[0]);
    check(H5Pset_chunk(properties.id(), static_cast<int>(chunk.size()), chunk.data()), "cannot chunk " + name);
    if (shape.size() == 2) {
      // Level 1: on a town run's file level 4 cost 12 M more instructions (2% of the
      // whole process) for a file 0.4% smaller; after shuffle the bytes are runs.
      check(H5Pset_shuffle(properties.id()), "cannot shuffle " + name);
      check(H5Pset_deflate(properties.id(), kDeflateLevel), "cannot compress " + name);
    }
    check(H5Pset_fletcher32(properties.id()), "cannot checksum " + name);
  }
  // Fixed fill timing keeps files from different runs comparable byte for byte.
  check(H5Pset_fill_time(properties.id(), H5D_FILL_TIME_ALLOC), "cannot set fill time");
  return properties;
}

Dataset Dataset::create(hid_t parent, const std::string& name, std::vector<hsize_t> shape, hid_t type) {
  const Handle space(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), H5Sclose,
                     "cannot make the shape of " + name);
  const Handle properties = dataset_properties(name, shape);
  return {Handle(H5Dcreate2(parent, name.c_str(), type, space.id(), H5P_DEFAULT, properties.id(), H5P_DEFAULT),
                 H5Dclose, "cannot create dataset " + name),
          name};
}

Dataset Dataset::create_doubles(hid_t parent, const std::string& name, std::vector<hsize_t> shape) {
  return create(parent, name, std::move(shape), H5T_IEEE_F64LE);
}

Dataset Dataset::create_uint64s(hid_t parent, const std::string& name, std::vector<hsize_t> shape) {
  return create(parent, name, std::move(shape), H5T_STD_U64LE);
}

Dataset Dataset::open(hid_t parent, const std::string& name) {
  return {Handle(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "cannot open dataset " + name), name};
}

Dataset::Dataset(Handle handle, std::string name) : handle_(std::move(handle)), name_(std::move(name)) {
  const Handle space(H5Dget_space(handle_.id()), H5Sclose, "cannot read the shape of " + name_);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0) check(rank, "cannot read the rank of " + name_);
  shape_.resize(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.id(), shape_.data(), nullptr);
}

static std::string describe_shape(const std::vector<hsize_t>& shape) {
  std::string text;
  for (const auto dim : shape) text += (text.empty() ? "" : " x ") + std::to_string(dim);
  return shape.empty() ? "a scalar" : text;
}

void Dataset::require(const std::string& what, const std::vector<hsize_t>& shape, H5T_class_t type_class) const {
  if (shape_ != shape)
    throw sim::RuntimeFailure(what + " has shape " + describe_shape(shape_) + " where the file needs " +
                              describe_shape(shape));
  const Handle type(H5Dget_type(handle_.id()), H5Tclose, "cannot read the type of " + what);
  if (H5Tget_class(type.id()) != type_class)
    throw sim::RuntimeFailure(what + " holds " + (type_class == H5T_INTEGER ? "non-integers" : "values that are not numbers") +
                              " where the file needs " + (type_class == H5T_INTEGER ? "integers" : "numbers"));
}

void Dataset::write_rows_of(hsize_t first, hsize_t count, const void* values, hid_t memory_type) {
  const Handle file_space(H5Dget_space(handle_.id()), H5Sclose, "cannot select in " + name_);
  std::vector<hsize_t> start(shape_.size(), 0), counts = shape_;
  start[0] = first;
  counts[0] = count;
  check(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, counts.data(), nullptr),
        "cannot select rows of " + name_);
  const hsize_t elements = count * (shape_.size() == 2 ? shape_[1] : 1);
  const Handle memory_space(H5Screate_simple(1, &elements, nullptr), H5Sclose, "cannot make a row space");
  check(H5Dwrite(handle_.id(), memory_type, memory_space.id(), file_space.id(), H5P_DEFAULT, values),
        "cannot write " + name_);
}

void Dataset::write_row(hsize_t row, const double* values) { write_rows_of(row, 1, values, H5T_NATIVE_DOUBLE); }
void Dataset::write_row(hsize_t row, const std::uint64_t* values) { write_rows_of(row, 1, values, H5T_NATIVE_UINT64); }
void Dataset::write_rows(hsize_t first, hsize_t count, const double* values) {
  write_rows_of(first, count, values, H5T_NATIVE_DOUBLE);
}
void Dataset::write_rows(hsize_t first, hsize_t count, const std::uint64_t* values) {
  write_rows_of(first, count, values, H5T_NATIVE_UINT64);
}

void Dataset::write_all(const double* values) {
  check(H5Dwrite(handle_.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), "cannot write " + name_);
}

void Dataset::describe(const std::string& units, const std::string& description) {
  write_string_attribute(handle_.id(), "units", units);
  write_string_attribute(handle_.id(), "description", description);
}

std::vector<double> Dataset::read_doubles() const {
  const auto dims = shape();
  hsize_t total = 1;
  for (const auto dim : dims) total *= dim;
  std::vector<double> values(total);
  check(H5Dread(handle_.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "cannot read " + name_);
  return values;
}

std::vector<std::uint64_t> Dataset::read_uint64s() const {
  const auto dims = shape();
  hsize_t total = 1;
  for (const auto dim : dims) total *= dim;
  std::vector<std::uint64_t> values(total);
  check(H5Dread(handle_.id(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
        "cannot read " + name_);
  return values;
}

}  // namespace results::hdf5
