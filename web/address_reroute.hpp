#pragma once
// AddressRerouter: the standard addresses follow a grid redraw. When the center switches to
// a new grid index (a generation applied, now or at its time), every address of the
// process's address book (web/address_book_slot.hpp) is routed again against it, on a
// thread of its own: the switch itself only hands the index over. Redraws that come while
// one re-route runs are folded into one more run, against the latest index.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "geo/grid_index.hpp"

namespace gridkeeper::web {

class AddressRerouter {
 public:
  AddressRerouter();
  ~AddressRerouter();  // waits for a re-route under way, drops one not begun
  AddressRerouter(const AddressRerouter&) = delete;
  AddressRerouter& operator=(const AddressRerouter&) = delete;

  // Never blocks: the index is kept for the thread, replacing one not yet taken.
  void post(std::shared_ptr<const geo::GridIndex> index);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::shared_ptr<const geo::GridIndex> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gridkeeper::web
