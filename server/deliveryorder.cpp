#include "deliveryorder.h"

namespace Tether {

DeliveryOrder::Step DeliveryOrder::offer(const QString &conversation, qint64 seq)
{
    Step step;
    auto it = m_positions.find(conversation);
    if (it == m_positions.end()) {
        m_positions.insert(conversation, seq);
        step.deliver = true;
        return step;
    }
    if (seq <= it.value())
        return step; // delivered already (a gap fill or a catch-up brought it)
    step.deliver = true;
    if (seq > it.value() + 1) {
        step.missingAfter = it.value();
        step.missingUpTo = seq - 1;
    }
    it.value() = seq;
    return step;
}

DeliveryOrder::Step DeliveryOrder::catchUp(const QString &conversation, qint64 lastSeq)
{
    Step step;
    auto it = m_positions.find(conversation);
    if (it == m_positions.end()) {
        m_positions.insert(conversation, lastSeq);
        return step;
    }
    if (lastSeq > it.value()) {
        step.missingAfter = it.value();
        step.missingUpTo = lastSeq;
        it.value() = lastSeq;
    }
    return step;
}

std::optional<qint64> DeliveryOrder::position(const QString &conversation) const
{
    const auto it = m_positions.constFind(conversation);
    if (it == m_positions.constEnd())
        return std::nullopt;
    return it.value();
}

} // namespace Tether
