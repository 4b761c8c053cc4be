import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// Every run, newest first: repo, ref and commit, mode and runtime, state, age and ports.
Pane {
    id: pane
    padding: 0

    ListView {
        id: list
        objectName: "runList"
        anchors.fill: parent
        clip: true
        model: TrayUi.runs
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
            required property int tone
            required property date createdAt
            required property string ports
            width: ListView.view.width
            objectName: "run-" + runId
            Accessible.name: repo + " " + state
            highlighted: TrayUi.controller.selectedRunId === runId
            onClicked: TrayUi.controller.select(runId)
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
                    StateChip { value: row.state; tone: row.tone }
                }
                Label {
                    text: (row.ref ? row.ref + " @ " + row.shortCommit : "local folder") + "  ·  " + row.mode + "  ·  "
                          + row.runtime + "  ·  " + TrayUi.age(row.createdAt, TrayUi.now)
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
