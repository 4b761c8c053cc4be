import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// The selected run: summary with Stop and Open preview, the phase timeline with durations,
// the build's progress and step, services with state, ports and preview link, the events pane,
// and the log (merged or per service, follow).
Pane {
    id: view
    readonly property runSummary run: TrayUi.controller.selectedRun
    // The row the last search step landed on, and whether a step was taken.
    property int matchRow: -1
    property bool searched: false

    function findMatch(forward: bool) {
        const from = view.matchRow >= 0 ? view.matchRow : (forward ? -1 : 0)
        view.matchRow = TrayUi.logs.find(from, forward)
        view.searched = true
        if (view.matchRow >= 0) {
            follow.checked = false
            logView.currentIndex = view.matchRow
            logView.positionViewAtIndex(view.matchRow, ListView.Center)
        }
    }

    Label {
        anchors.centerIn: parent
        visible: view.run.id === ""
        text: "Select a run to see its phases, services and logs."
        opacity: 0.6
    }

    ColumnLayout {
        anchors.fill: parent
        visible: view.run.id !== ""
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            Label {
                objectName: "runTitle"
                text: view.run.repo + (view.run.ref ? "  " + view.run.ref : "")
                      + (view.run.shortCommit ? " @ " + view.run.shortCommit : "")
                textFormat: Text.PlainText
                font.pixelSize: 16
                font.bold: true
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            StateChip { objectName: "runState"; value: view.run.state; tone: view.run.tone }
            Button {
                objectName: "previewButton"
                text: "Open preview"
                enabled: view.run.previewUrl !== "" && view.run.state === "READY"
                Accessible.name: TrayUi.preview.embedded ? "Open the preview in RepoRunner" : "Open the preview in the browser"
                onClicked: TrayUi.preview.open(view.run.id)
            }
            Button {
                objectName: "restartButton"
                text: "Restart"
                enabled: !view.run.stopping
                onClicked: TrayUi.controller.restart(view.run.id)
            }
            Button {
                objectName: "removeButton"
                text: "Remove"
                enabled: !view.run.stopping
                onClicked: TrayUi.controller.remove(view.run.id)
            }
            Button {
                objectName: "stopButton"
                text: "Stop"
                enabled: view.run.active && !view.run.stopping
                onClicked: TrayUi.controller.stop(view.run.id)
            }
        }

        Label {
            objectName: "diagnosis"
            visible: view.run.diagnosis !== ""
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: "#cf222e"
            text: "Failed in " + view.run.failedPhase + ": " + view.run.diagnosis
                  + (view.run.lastLines ? "\n" + view.run.lastLines : "")
            textFormat: Text.PlainText
        }

        // Phase timeline: one chip per phase with how long it took.
        Flow {
            objectName: "phaseTimeline"
            Layout.fillWidth: true
            spacing: 4
            Repeater {
                model: TrayUi.controller.phases
                delegate: Rectangle {
                    id: phaseChip
                    required property string phase
                    required property bool running
                    required property real durationMs
                    width: phaseLabel.implicitWidth + 16
                    height: phaseLabel.implicitHeight + 8
                    radius: 3
                    color: running ? Qt.rgba(0.04, 0.41, 0.85, 0.18) : Qt.rgba(0.5, 0.5, 0.5, 0.12)
                    border.color: running ? "#0969da" : Qt.rgba(0.5, 0.5, 0.5, 0.5)
                    Label {
                        id: phaseLabel
                        anchors.centerIn: parent
                        text: phaseChip.phase + "  " + TrayUi.duration(phaseChip.durationMs)
                        font.pixelSize: 12
                    }
                }
            }
        }

        // The build's progress and its current step, while it builds.
        RowLayout {
            Layout.fillWidth: true
            visible: view.run.building
            ProgressBar {
                objectName: "buildProgress"
                Layout.preferredWidth: 220
                from: 0
                to: 1
                value: view.run.buildProgress
                Accessible.name: "Build progress " + Math.round(view.run.buildProgress * 100) + " percent"
            }
            Label {
                objectName: "buildStep"
                Layout.fillWidth: true
                text: view.run.buildStep
                textFormat: Text.PlainText
                elide: Text.ElideRight
                font.family: "monospace"
            }
        }

        // Services.
        Repeater {
            model: TrayUi.controller.services
            delegate: RowLayout {
                id: serviceRow
                required property string name
                required property string state
                required property int tone
                required property int restarts
                required property string ports
                required property string url
                Layout.fillWidth: true
                Label { text: serviceRow.name; textFormat: Text.PlainText; font.bold: true; Layout.preferredWidth: 140; elide: Text.ElideRight }
                StateChip { value: serviceRow.state; tone: serviceRow.tone }
                Label { text: serviceRow.restarts > 0 ? serviceRow.restarts + " restarts" : ""; opacity: 0.7 }
                Label { text: serviceRow.ports; opacity: 0.8 }
                // A stopped run's last service states are history: dimmed, and no live link.
                opacity: TrayUi.controller.selectedRun.active ? 1.0 : 0.5
                Label {
                    visible: serviceRow.url !== "" && TrayUi.controller.selectedRun.active
                    text: "<a href=\"" + serviceRow.url + "\">" + serviceRow.url + "</a>"
                    onLinkActivated: link => Qt.openUrlExternally(link)
                }
                Item { Layout.fillWidth: true }
            }
        }

        EventsPane { Layout.fillWidth: true }

        RowLayout {
            Layout.fillWidth: true
            Label { text: "Logs" ; font.bold: true }
            ComboBox {
                id: sourceBox
                objectName: "logSourceBox"
                Layout.preferredWidth: 220
                model: TrayUi.controller.logSources
                currentIndex: TrayUi.controller.logSourceIndex
                onActivated: index => TrayUi.controller.logSource = TrayUi.controller.logSources[index]
                Accessible.name: "Log source"
            }
            CheckBox {
                id: follow
                objectName: "followBox"
                text: "Follow"
                checked: true
            }
            CheckBox {
                id: timestamps
                objectName: "timestampsBox"
                text: "Timestamps"
                checked: TrayUi.showTimestamps
                onToggled: TrayUi.showTimestamps = checked
            }
            Label {
                objectName: "logCount"
                text: TrayUi.logs.count + " lines" + (TrayUi.controller.logsLoading ? " (loading…)" : "")
                opacity: 0.7
            }
            Item { Layout.fillWidth: true }
            Button {
                objectName: "copyLogsButton"
                text: "Copy"
                onClicked: TrayUi.controller.copyLogs()
            }
            Button {
                objectName: "exportLogsButton"
                text: "Export…"
                onClicked: TrayUi.controller.chooseExportFile()
            }
        }

        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: searchField
                objectName: "logSearchField"
                Layout.fillWidth: true
                placeholderText: "Search (Ctrl+F; Enter next, Shift+Enter previous)"
                Accessible.name: "Search the log"
                onTextChanged: {
                    TrayUi.logs.search = text
                    view.matchRow = -1
                    view.searched = false
                    logView.currentIndex = -1
                }
                Keys.onReturnPressed: event => view.findMatch(!(event.modifiers & Qt.ShiftModifier))
                Keys.onEnterPressed: event => view.findMatch(!(event.modifiers & Qt.ShiftModifier))
            }
            Button {
                objectName: "searchPrevButton"
                text: "↑"
                Accessible.name: "Previous match"
                enabled: searchField.text !== ""
                onClicked: view.findMatch(false)
            }
            Button {
                objectName: "searchNextButton"
                text: "↓"
                Accessible.name: "Next match"
                enabled: searchField.text !== ""
                onClicked: view.findMatch(true)
            }
            Label {
                objectName: "searchStatus"
                text: searchField.text === "" ? "" : view.matchRow < 0 ? (view.searched ? "no match" : "")
                                                                         : "line " + (view.matchRow + 1)
                opacity: 0.7
            }
            TextField {
                id: filterField
                objectName: "logFilterField"
                Layout.preferredWidth: 240
                placeholderText: "Filter (regex, e.g. error|warn)"
                Accessible.name: "Filter the log by regular expression"
                onEditingFinished: TrayUi.controller.logFilter = text
                color: TrayUi.controller.logFilterError === "" ? palette.text : "#cf222e"
                ToolTip.visible: TrayUi.controller.logFilterError !== "" && activeFocus
                ToolTip.text: TrayUi.controller.logFilterError
            }
        }

        Shortcut {
            sequence: "Ctrl+F"
            onActivated: searchField.forceActiveFocus()
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: "#1e1f22"
            radius: 3
            ListView {
                id: logView
                objectName: "logView"
                anchors.fill: parent
                anchors.margins: 6
                clip: true
                model: TrayUi.logs
                // Fixed-height delegates keep scrolling cheap however many lines there are.
                reuseItems: true
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar { policy: ScrollBar.AlwaysOn }
                // Deferred: positioning inside the insertion makes the view create every new row.
                onCountChanged: if (follow.checked) followLater.restart()
                Timer {
                    id: followLater
                    interval: 0
                    onTriggered: logView.positionViewAtEnd()
                }
                onMovementStarted: follow.checked = false
                // A reload (another source or filter) refills from the top; an old scroll
                // position past the new end would show an empty pane.
                Connections {
                    target: TrayUi.controller
                    function onLogsLoadingChanged() {
                        if (TrayUi.controller.logsLoading)
                            logView.positionViewAtBeginning()
                    }
                }
                // currentIndex marks the search's current match; no highlight item, no key focus.
                currentIndex: -1
                highlightFollowsCurrentItem: false
                keyNavigationEnabled: false
                delegate: Rectangle {
                    id: line
                    required property int index
                    required property string styled
                    required property string service
                    required property string stream
                    required property string timeText
                    required property bool matches
                    width: ListView.view.width
                    height: 16
                    color: line.ListView.isCurrentItem ? "#5a4a00" : line.matches ? "#3a3420" : "transparent"
                    Text {
                        anchors.fill: parent
                        font.family: "monospace"
                        font.pixelSize: 12
                        // No elide: eliding styled text lays each line out twice; the pane clips.
                        textFormat: Text.StyledText
                        color: line.stream === "stderr" ? "#f0a0a0" : line.stream === "event" ? "#9ecbff" : "#d8dadf"
                        text: (TrayUi.showTimestamps ? "<font color=\"#8b949e\">" + line.timeText + "</font> " : "")
                              + (line.service !== "" ? "<font color=\"#a5d6ff\">[" + line.service + "]</font> " : "")
                              + line.styled
                    }
                }
            }
        }
    }
}
