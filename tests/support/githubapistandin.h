#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QStringList>
#include <QTcpServer>

namespace rr::test {

class ScratchRepo;

// A stand-in for GitHub's REST API on 127.0.0.1: plain HTTP/1.1 with keep-alive, canned answers
// per request path (query included), everything it was asked recorded. serveRepository() fills
// in the answers detection asks for from a real ScratchRepo (repository, commit, recursive tree,
// raw contents), so the API and a GitServer can serve the very same repository.
class GitHubApiStandIn final : public QObject
{
    Q_OBJECT

public:
    struct Answer
    {
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
    };

    explicit GitHubApiStandIn(QObject *parent = nullptr);
    ~GitHubApiStandIn() override;

    bool listen();
    QString base() const; // http://127.0.0.1:<port>/

    void setAnswer(const QString &pathAndQuery, const Answer &answer)
    {
        m_answers.insert(pathAndQuery, answer);
    }
    // Every path answers this (until cleared), e.g. a 500 or a rate-limit 403.
    void setOverride(const Answer &answer)
    {
        m_override = answer;
        m_hasOverride = true;
    }
    void clearOverride() { m_hasOverride = false; }

    // Answers for owner/repo from `repo`'s `branch` (its default branch); returns the commit id.
    QString serveRepository(const QString &owner, const QString &repo, ScratchRepo &scratch,
                            const QString &branch);

    QStringList requests() const { return m_requests; }                   // paths asked, in order
    QList<QByteArray> authorizations() const { return m_authorizations; } // their Authorization headers
    void clearRequests()
    {
        m_requests.clear();
        m_authorizations.clear();
    }

private:
    void onNewConnection();
    void serve(QTcpSocket *socket);

    QTcpServer m_server;
    QHash<QString, Answer> m_answers;
    Answer m_override;
    bool m_hasOverride = false;
    QStringList m_requests;
    QList<QByteArray> m_authorizations;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace rr::test
