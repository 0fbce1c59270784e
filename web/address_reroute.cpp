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

std::size_t AddressRerouter::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

void AddressRerouter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || pending_; });
    if (stopping_) return;
    auto index = std::move(pending_);
    pending_.reset();
    lock.unlock();
    if (auto* book = address_book()) {
      auto moved = book->reroute_addresses([&index](double lon, double lat) {
        const auto r = index->route(lon, lat);
        return r.found() ? index->code(static_cast<std::size_t>(r.grid)) : std::string();
      });
      if (!moved) std::cerr << "gridkeeper serve: re-routing the addresses failed: " << moved.error().message << "\n";
    }
    lock.lock();
    ++finished_;
  }
}

}  // namespace gridkeeper::web
