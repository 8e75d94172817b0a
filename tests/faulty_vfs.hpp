// A SQLite VFS that makes the disk fail on cue: it passes every call to SQLite's default VFS,
// counting the writes, syncs and opens, and fails the one an armed fault names, as a full disk
// (SQLITE_FULL) or a failing device (SQLITE_IOERR) would. Open a SqliteStore through it with
// SqliteOptions::vfs = FaultyVfs::name.
#pragma once

#include <atomic>
#include <cstdint>

namespace ablauf::test {

class FaultyVfs {
 public:
  static constexpr const char* name = "ablauf-faulty";

  enum class Operation { write, sync, open };
  enum class Failure { full, io_error };

  // Registers the VFS with SQLite (once; later calls do nothing).
  static void install();

  // Fails the `nth` (from 1) operation of that kind from now on, and every one after it while
  // `sticky` (a disk stays full); counts start again from 0.
  static void arm(Operation operation, std::uint64_t nth, Failure failure, bool sticky = true);
  // Lets every operation through again, and counts from 0.
  static void disarm();
  // How many operations of the kind passed through since the last arm() or disarm().
  static std::uint64_t count(Operation operation);
  // Whether an armed fault has fired since the last arm().
  static bool fired();
};

}  // namespace ablauf::test
