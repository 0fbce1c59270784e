#pragma once
// The address book (standard addresses and the search's storage, dispatch/address_book.hpp)
// of the servers of this process: `serve` sets it before its server starts and clears it
// after the server stops; the tests do the same. Without one, GET /addresses, GET /search
// and POST /addresses/import answer 503. (One a process, so that the API's options and
// every handler group's constructor stay as they are.)
#include "dispatch/address_book.hpp"

namespace gridkeeper::web {

void use_address_book(dispatch::AddressBook* book);
dispatch::AddressBook* address_book();

}  // namespace gridkeeper::web
