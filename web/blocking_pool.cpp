#include "web/blocking_pool.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace gridkeeper::web {

namespace {
thread_local bool tl_on_pool = false;
}

bool BlockingPool::on_pool_thread() { return tl_on_pool; }

struct BlockingPool::Impl {
  Impl(std::size_t threads, std::size_t limit) : pool(threads ? threads : 1), queue_limit(limit ? limit : 1) {}
  boost::asio::thread_pool pool;
  std::size_t queue_limit;
  std::atomic<std::size_t> pending{0};
  std::atomic<bool> joined{false};
};

BlockingPool::BlockingPool(std::size_t threads, std::size_t queue_limit)
    : impl_(std::make_unique<Impl>(threads, queue_limit)) {}

BlockingPool::~BlockingPool() { join(); }

bool BlockingPool::try_post(std::function<void()> job) {
  if (impl_->joined.load()) return false;
  if (impl_->pending.fetch_add(1) >= impl_->queue_limit) {
    impl_->pending.fetch_sub(1);
    return false;
  }
  boost::asio::post(impl_->pool, [impl = impl_.get(), job = std::move(job)] {
    tl_on_pool = true;
    job();
    impl->pending.fetch_sub(1);
  });
  return true;
}

std::size_t BlockingPool::pending() const { return impl_->pending.load(); }

void BlockingPool::join() {
  if (impl_->joined.exchange(true)) return;
  impl_->pool.join();
}

}  // namespace gridkeeper::web
