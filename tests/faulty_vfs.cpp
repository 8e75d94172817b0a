#include "faulty_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>

namespace ablauf::test {
namespace {

using Operation = FaultyVfs::Operation;

struct Fault {
  bool armed = false;
  Operation operation = Operation::write;
  std::uint64_t nth = 0;
  FaultyVfs::Failure failure = FaultyVfs::Failure::full;
  bool sticky = true;
};

std::mutex fault_mutex;
Fault fault;
std::array<std::atomic<std::uint64_t>, 3> counts{};
std::atomic<bool> has_fired{false};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs faulty_vfs;
sqlite3_io_methods faulty_methods;

// Counts the operation; returns the error code it must fail with, or SQLITE_OK.
int next(Operation operation, int io_error_code) {
  const auto n = ++counts[static_cast<std::size_t>(operation)];
  std::lock_guard lock(fault_mutex);
  if (!fault.armed || fault.operation != operation) return SQLITE_OK;
  if (n < fault.nth || (n > fault.nth && !fault.sticky)) return SQLITE_OK;
  has_fired = true;
  return fault.failure == FaultyVfs::Failure::full ? SQLITE_FULL : io_error_code;
}

// A file of the faulty VFS: its own header, then the real VFS's file.
struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

sqlite3_file* real_of(sqlite3_file* file) {
  return reinterpret_cast<FaultyFile*>(file)->real();
}

int file_close(sqlite3_file* file) {
  return real_of(file)->pMethods->xClose(real_of(file));
}
int file_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return real_of(file)->pMethods->xRead(real_of(file), buffer, amount, offset);
}
int file_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  if (const int code = next(Operation::write, SQLITE_IOERR_WRITE)) return code;
  return real_of(file)->pMethods->xWrite(real_of(file), buffer, amount, offset);
}
int file_truncate(sqlite3_file* file, sqlite3_int64 size) {
  return real_of(file)->pMethods->xTruncate(real_of(file), size);
}
int file_sync(sqlite3_file* file, int flags) {
  if (const int code = next(Operation::sync, SQLITE_IOERR_FSYNC)) return code;
  return real_of(file)->pMethods->xSync(real_of(file), flags);
}
int file_size(sqlite3_file* file, sqlite3_int64* size) {
  return real_of(file)->pMethods->xFileSize(real_of(file), size);
}
int file_lock(sqlite3_file* file, int level) {
  return real_of(file)->pMethods->xLock(real_of(file), level);
}
int file_unlock(sqlite3_file* file, int level) {
  return real_of(file)->pMethods->xUnlock(real_of(file), level);
}
int file_check_reserved(sqlite3_file* file, int* out) {
  return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}
int file_control(sqlite3_file* file, int op, void* arg) {
  return real_of(file)->pMethods->xFileControl(real_of(file), op, arg);
}
int file_sector_size(sqlite3_file* file) {
  return real_of(file)->pMethods->xSectorSize(real_of(file));
}
int file_characteristics(sqlite3_file* file) {
  return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file));
}
int file_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return real_of(file)->pMethods->xShmMap(real_of(file), page, size, extend, out);
}
int file_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real_of(file)->pMethods->xShmLock(real_of(file), offset, n, flags);
}
void file_shm_barrier(sqlite3_file* file) {
  real_of(file)->pMethods->xShmBarrier(real_of(file));
}
int file_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
}
int file_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return real_of(file)->pMethods->xFetch(real_of(file), offset, amount, out);
}
int file_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return real_of(file)->pMethods->xUnfetch(real_of(file), offset, page);
}

int vfs_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* faulty = reinterpret_cast<FaultyFile*>(file);
  faulty->base.pMethods = nullptr;  // SQLite calls no xClose on a file that failed to open
  if (const int code = next(Operation::open, SQLITE_CANTOPEN)) return code;
  const int code = real_vfs->xOpen(real_vfs, name, faulty->real(), flags, out_flags);
  if (code != SQLITE_OK || !faulty->real()->pMethods) return code;
  // The methods the real file has, by its version: WAL needs the shared-memory ones.
  static std::once_flag methods_once;
  std::call_once(methods_once, [&] {
    faulty_methods = {std::min(faulty->real()->pMethods->iVersion, 3),
                      file_close, file_read, file_write, file_truncate, file_sync, file_size,
                      file_lock, file_unlock, file_check_reserved, file_control,
                      file_sector_size, file_characteristics, file_shm_map, file_shm_lock,
                      file_shm_barrier, file_shm_unmap, file_fetch, file_unfetch};
  });
  faulty->base.pMethods = &faulty_methods;
  return SQLITE_OK;
}

int vfs_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return real_vfs->xDelete(real_vfs, name, sync_dir);
}
int vfs_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return real_vfs->xAccess(real_vfs, name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return real_vfs->xFullPathname(real_vfs, name, size, out);
}
int vfs_randomness(sqlite3_vfs*, int size, char* out) {
  return real_vfs->xRandomness(real_vfs, size, out);
}
int vfs_sleep(sqlite3_vfs*, int microseconds) {
  return real_vfs->xSleep(real_vfs, microseconds);
}
int vfs_current_time(sqlite3_vfs*, double* out) {
  return real_vfs->xCurrentTime(real_vfs, out);
}
int vfs_last_error(sqlite3_vfs*, int size, char* out) {
  return real_vfs->xGetLastError(real_vfs, size, out);
}
int vfs_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

}  // namespace

void FaultyVfs::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_initialize();
    real_vfs = sqlite3_vfs_find(nullptr);
    faulty_vfs = {};
    faulty_vfs.iVersion = 2;
    faulty_vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + real_vfs->szOsFile;
    faulty_vfs.mxPathname = real_vfs->mxPathname;
    faulty_vfs.zName = name;
    faulty_vfs.xOpen = vfs_open;
    faulty_vfs.xDelete = vfs_delete;
    faulty_vfs.xAccess = vfs_access;
    faulty_vfs.xFullPathname = vfs_full_pathname;
    faulty_vfs.xRandomness = vfs_randomness;
    faulty_vfs.xSleep = vfs_sleep;
    faulty_vfs.xCurrentTime = vfs_current_time;
    faulty_vfs.xGetLastError = vfs_last_error;
    faulty_vfs.xCurrentTimeInt64 = vfs_current_time_int64;
    sqlite3_vfs_register(&faulty_vfs, 0);
  });
}

void FaultyVfs::arm(Operation operation, std::uint64_t nth, Failure failure, bool sticky) {
  std::lock_guard lock(fault_mutex);
  fault = {true, operation, nth, failure, sticky};
  for (auto& count : counts) count = 0;
  has_fired = false;
}

void FaultyVfs::disarm() {
  std::lock_guard lock(fault_mutex);
  fault = {};
  for (auto& count : counts) count = 0;
}

std::uint64_t FaultyVfs::count(Operation operation) {
  return counts[static_cast<std::size_t>(operation)];
}

bool FaultyVfs::fired() {
  return has_fired;
}

}  // namespace ablauf::test
