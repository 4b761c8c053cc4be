#include "traystate.h"

#include <QPainter>
#include <QPixmap>

namespace rr::tray {

TrayState trayStateFor(const QList<runs::RunRecord> &runs)
{
    bool ready = false;
    for (const runs::RunRecord &r : runs) {
        if (r.state == runs::RunState::Ready)
            ready = true;
        else if (runs::isActive(r.state))
            return TrayState::Busy;
    }
    if (ready)
        return TrayState::Ready;
    if (!runs.isEmpty() && runs.constFirst().state == runs::RunState::Failed)
        return TrayState::Failed;
    return TrayState::Idle;
}

QString trayStateName(TrayState state)
{
    switch (state) {
    case TrayState::Idle:
        return QStringLiteral("idle");
    case TrayState::Busy:
        return QStringLiteral("busy");
    case TrayState::Ready:
        return QStringLiteral("ready");
    case TrayState::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

namespace {

QPixmap draw(TrayState state, int size)
{
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const qreal m = size * 0.1;
    const QRectF box(m, m, size - 2 * m, size - 2 * m);
    switch (state) {
    case TrayState::Idle:
        p.setPen(QPen(QColor(0x8a, 0x8f, 0x98), size * 0.12));
        p.drawEllipse(box.adjusted(m, m, -m, -m));
        break;
    case TrayState::Busy:
        p.setPen(QPen(QColor(0x2f, 0x7d, 0xe1), size * 0.14, Qt::SolidLine, Qt::RoundCap));
        p.drawArc(box.adjusted(m, m, -m, -m), 90 * 16, -270 * 16);
        break;
    case TrayState::Ready:
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x2e, 0xa0, 0x43));
        p.drawEllipse(box);
        p.setPen(QPen(Qt::white, size * 0.1, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.drawPolyline(
            QList<QPointF>{{size * 0.3, size * 0.52}, {size * 0.45, size * 0.66}, {size * 0.7, size * 0.36}});
        break;
    case TrayState::Failed:
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0xd1, 0x24, 0x2f));
        p.drawEllipse(box);
        p.setPen(QPen(Qt::white, size * 0.12, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(size * 0.5, size * 0.28), QPointF(size * 0.5, size * 0.56));
        p.drawPoint(QPointF(size * 0.5, size * 0.72));
        break;
    }
    return pm;
}

} // namespace

QIcon trayIcon(TrayState state)
{
    QIcon icon;
    for (int size : {16, 22, 24, 32, 48, 64})
        icon.addPixmap(draw(state, size));
    return icon;
}

} // namespace rr::tray
