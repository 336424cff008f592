#pragma once
// Runs one coroutine to completion on a private io_context, for storage tests.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace siao::test {

template <class T>
T run_coroutine(boost::asio::awaitable<T> coroutine) {
  boost::asio::io_context ioc;
  auto future = boost::asio::co_spawn(ioc, std::move(coroutine), boost::asio::use_future);
  ioc.run();
  return future.get();
}

}  // namespace siao::test
