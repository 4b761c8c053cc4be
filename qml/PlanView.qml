import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import RepoRunner.Tray

// The plan before Start: runtime, profiles, the service picker (primary, image, ports),
// values (--set), the translation report and, when something is refused, the consent path.
ScrollView {
    id: planView
    objectName: "planView"
    clip: true
    contentWidth: availableWidth
    readonly property NewRunController flow: TrayUi.newRun

    ColumnLayout {
        width: planView.availableWidth
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            Label { text: "Runtime"; font.bold: true }
            ComboBox {
                objectName: "newRunRuntimeBox"
                model: ["auto", "docker", "kubernetes"]
                currentIndex: Math.max(0, model.indexOf(planView.flow.runtime))
                Accessible.name: "Runtime"
                onActivated: {
                    planView.flow.runtime = currentText
                    planView.flow.replan()
                }
            }
            Label {
                objectName: "runtimeChoice"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                text: (planView.flow.summary.runtime || "no runtime")
                      + (planView.flow.summary.runtimeTarget ? " — " + planView.flow.summary.runtimeTarget : "")
                      + (planView.flow.summary.runtimeReason ? " (" + planView.flow.summary.runtimeReason + ")" : "")
                Accessible.name: "Chosen runtime"
            }
        }

        RowLayout {
            Layout.fillWidth: true
            visible: planView.flow.profiles.count > 0
            Label { text: "Profiles"; font.bold: true }
            Repeater {
                model: planView.flow.profiles
                delegate: CheckBox {
                    id: profileBox
                    required property string name
                    required property bool chosen
                    objectName: "profile-" + name
                    text: name
                    checked: profileBox.chosen
                    Accessible.name: "Profile " + name
                    onToggled: TrayUi.newRun.pickProfile(profileBox.name, profileBox.checkState === Qt.Checked)
                }
            }
        }

        Label {
            text: "Services (" + planView.flow.services.plannedCount + " of " + planView.flow.services.count
                  + " run" + (planView.flow.summary.primary ? "; preview: " + planView.flow.summary.primary : "") + ")"
            textFormat: Text.PlainText
            font.bold: true
        }
        Repeater {
            model: planView.flow.services
            delegate: RowLayout {
                id: serviceRow
                required property string name
                required property bool picked
                required property bool planned
                required property bool primary
                required property string detail
                Layout.fillWidth: true
                CheckBox {
                    id: serviceBox
                    objectName: "service-" + serviceRow.name
                    text: serviceRow.name
                    checked: serviceRow.picked
                    Accessible.name: "Run service " + serviceRow.name
                    Layout.preferredWidth: 160
                    onToggled: TrayUi.newRun.pickService(serviceRow.name, serviceBox.checkState === Qt.Checked)
                }
                Label {
                    visible: serviceRow.primary
                    text: "primary"
                    font.bold: true
                    color: "#1a7f37"
                }
                Label {
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    textFormat: Text.PlainText
                    opacity: serviceRow.planned ? 1.0 : 0.55
                    text: serviceRow.detail
                }
            }
        }

        Label { text: "Values (--set NAME=value, one a line)"; font.bold: true }
        TextArea {
            id: valuesArea
            objectName: "newRunValues"
            Layout.fillWidth: true
            Layout.preferredHeight: 56
            text: planView.flow.valuesText
            placeholderText: "GREETING=hello"
            textFormat: TextEdit.PlainText
            Accessible.name: "Values, one NAME=value a line"
            // Tab moves on; values never need a tab character.
            Keys.onTabPressed: valuesArea.nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason)
            onEditingFinished: {
                planView.flow.valuesText = text
                planView.flow.replan()
            }
        }
        Label {
            objectName: "valuesError"
            visible: planView.flow.valuesError !== ""
            text: planView.flow.valuesError
            textFormat: Text.PlainText
            color: "#cf222e"
        }

        Label {
            objectName: "reportCounts"
            font.bold: true
            textFormat: Text.PlainText
            text: "Translation report: " + planView.flow.summary.mapped + " mapped, " + planView.flow.summary.adapted
                  + " adapted, " + planView.flow.summary.dropped + " dropped, " + planView.flow.summary.refused + " refused"
        }
        ReportList {
            objectName: "reportList"
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(contentHeight, 220)
            model: planView.flow.report
            Accessible.name: "Translation report"
        }

        ConsentPanel {
            Layout.fillWidth: true
            visible: planView.flow.summary.refused > 0 || planView.flow.unsafeAllowed
        }

        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button {
                objectName: "newRunStartButton"
                highlighted: true
                enabled: planView.flow.canStart
                text: "Start " + planView.flow.services.plannedCount
                      + (planView.flow.services.plannedCount === 1 ? " service" : " services")
                Accessible.name: text
                onClicked: planView.flow.start()
            }
        }
    }
}
