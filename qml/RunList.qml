import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Every run, newest first: repo, ref and commit, mode and runtime, state, age and ports.
Pane {
    id: pane
    required property var runs
    required property var controller
    required property date now
    padding: 0

    function age(created) {
        const s = Math.max(0, Math.floor((pane.now - created) / 1000))
        if (s < 60) return s + " s ago"
        if (s < 3600) return Math.floor(s / 60) + " min ago"
        if (s < 86400) return Math.floor(s / 3600) + " h ago"
        return Math.floor(s / 86400) + " d ago"
    }

    ListView {
        id: list
        objectName: "runList"
        anchors.fill: parent
        clip: true
        model: pane.runs
        ScrollBar.vertical: ScrollBar {}
        Label {
            anchors.centerIn: parent
            visible: list.count === 0
            text: "No runs yet. Paste a URL above."
            opacity: 0.6
        }
        delegate: ItemDelegate {
            id: row
            required property string runId
            required property string repo
            required property string ref
            required property string shortCommit
            required property string mode
            required property string runtime
            required property string state
            required property date createdAt
            required property string ports
            width: ListView.view.width
            highlighted: pane.controller.selectedRunId === runId
            onClicked: pane.controller.select(runId)
            contentItem: ColumnLayout {
                spacing: 2
                RowLayout {
                    Label {
                        text: row.repo
                        textFormat: Text.PlainText
                        font.bold: true
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    StateChip { value: row.state }
                }
                Label {
                    text: (row.ref ? row.ref + " @ " + row.shortCommit : "local folder") + "  ·  " + row.mode + "  ·  "
                          + row.runtime + "  ·  " + pane.age(row.createdAt)
                    textFormat: Text.PlainText
                    opacity: 0.75
                    font.pixelSize: 12
                }
                Label {
                    visible: row.ports !== ""
                    text: "ports " + row.ports
                    font.pixelSize: 12
                    opacity: 0.75
                }
            }
        }
    }
}
