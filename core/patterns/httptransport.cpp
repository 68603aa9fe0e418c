#include "patterns/httptransport.h"

#include "runtime/impl/loom.h"

namespace taskscope {

namespace {

struct Installed
{
    detail::Mutex mutex;
    std::shared_ptr<HttpTransport> transport;
};

Installed &installed()
{
    static Installed s_installed;
    return s_installed;
}

} // namespace

void setInstalledHttpTransport(std::shared_ptr<HttpTransport> transport)
{
    std::shared_ptr<HttpTransport> previous; // released outside the lock
    Installed &slot = installed();
    detail::LockGuard lock(slot.mutex);
    previous = std::exchange(slot.transport, std::move(transport));
}

std::shared_ptr<HttpTransport> installedHttpTransport()
{
    Installed &slot = installed();
    detail::LockGuard lock(slot.mutex);
    return slot.transport;
}

} // namespace taskscope
