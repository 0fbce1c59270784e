#include "web/address_reroute.hpp"

#include <iostream>

#include "web/address_book_slot.hpp"

namespace gridkeeper::web {

AddressRerouter::AddressRerouter() : thread_([this] { run(); }) {}

AddressRerouter::~AddressRerouter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void AddressRerouter::post(std::shared_ptr<const geo::GridIndex> index) {
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(index);
  }
  wake_.notify_all();
}

void AddressRerouter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || pending_; });
    if (stopping_) return;
    auto index = std::move(pending_);  // leaves none pending
    lock.unlock();
    if (auto* book = address_book()) {
      auto moved = book->reroute_addresses(dispatch::grid_of(index));
      if (!moved) std::cerr << "gridkeeper serve: re-routing the addresses failed: " << moved.error().message << "\n";
    }
    lock.lock();
  }
}

}  // namespace gridkeeper::web
