#pragma once

// An intrusive FIFO list of waiters, for the primitives' wait queues. Nodes live in the
// awaiters (coroutine frames) and carry prev/next/queued; the owner's lock guards the list.

#include <cstddef>

namespace taskscope::detail {

/// Node must have `Node *prev, *next; bool queued;`.
template<typename Node>
class WaiterList
{
public:
    [[nodiscard]] bool isEmpty() const noexcept { return m_head == nullptr; }
    [[nodiscard]] std::size_t size() const noexcept { return m_size; }
    [[nodiscard]] Node *front() const noexcept { return m_head; }

    void pushBack(Node &node) noexcept
    {
        node.prev = m_tail;
        node.next = nullptr;
        (m_tail ? m_tail->next : m_head) = &node;
        m_tail = &node;
        node.queued = true;
        ++m_size;
    }

    void remove(Node &node) noexcept
    {
        (node.prev ? node.prev->next : m_head) = node.next;
        (node.next ? node.next->prev : m_tail) = node.prev;
        node.prev = node.next = nullptr;
        node.queued = false;
        --m_size;
    }

    Node *popFront() noexcept
    {
        Node *node = m_head;
        if (node)
            remove(*node);
        return node;
    }

private:
    Node *m_head = nullptr;
    Node *m_tail = nullptr;
    std::size_t m_size = 0;
};

} // namespace taskscope::detail
