#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QPromise>

#include <memory>
#include <type_traits>

#include <utility>

namespace rr::runtime {

// Calls `handler(result)` on `context`'s thread once `future` has a result. Unlike
// QFuture::then(context, ...), which in Qt 6.4 asserts when the context is gone before the future
// finishes, this goes through a QFutureWatcher owned by the context: if the context dies first,
// the handler is simply never called. A future cancelled without a result calls nothing either.
// The rollout and its drivers hand futures to each other whose owners may go first (a run torn
// down while a Docker call is in flight), hence this rather than then().
template<class T, class Handler>
void whenFinished(QObject *context, const QFuture<T> &future, Handler &&handler)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, handler = std::forward<Handler>(handler)]() mutable {
                         watcher->deleteLater();
                         const QFuture<T> done = watcher->future();
                         if (done.resultCount() > 0)
                             handler(done.result());
                     });
    watcher->setFuture(future);
}

// whenFinished() for a handler that returns a value: the returned future has that value, or is
// cancelled when the context dies first.
template<class T, class Handler>
auto continueOn(QObject *context, const QFuture<T> &future, Handler &&handler)
    -> QFuture<std::invoke_result_t<Handler, const T &>>
{
    using R = std::invoke_result_t<Handler, const T &>;
    auto promise = std::make_shared<QPromise<R>>();
    promise->start();
    whenFinished(context, future,
                 [promise, handler = std::forward<Handler>(handler)](const T &value) mutable {
                     promise->addResult(handler(value));
                     promise->finish();
                 });
    return promise->future();
}

} // namespace rr::runtime
