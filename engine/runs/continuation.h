#pragma once

#include <QFuture>
#include <QMetaObject>
#include <QObject>
#include <QPointer>

namespace rr::runs {

// Calls `fn(result)` on `receiver`'s thread once `future` finishes, unless the receiver is
// gone by then. Unlike QFuture::then(context, ...), whose Qt 6.4 version asserts when the
// context died first, runs and the orchestrator may be destroyed with work in flight.
template<class T, class F> void whenFinished(QObject *receiver, QFuture<T> future, F fn)
{
    QPointer<QObject> guard(receiver);
    future.then([guard, fn = std::move(fn)](const T &result) {
        QObject *target = guard.data();
        if (!target)
            return;
        QMetaObject::invokeMethod(
            target,
            [guard, fn, result] {
                if (guard)
                    fn(result);
            },
            Qt::QueuedConnection);
    });
}

} // namespace rr::runs
