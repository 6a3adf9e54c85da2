// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IDeviceRegistry
/// @notice The consortium's shared register of stolen, lost, fraudulent and blocked mobile devices. A mobile operator
/// (a member holding MOBILE_OPERATOR) reports devices in bulk, each device named by its keyed hash (HMAC-SHA256 of the
/// IMEI's 14 identifying digits under the consortium key its members' agents hold; never the IMEI, never a bare hash
/// of it), and withdraws its own reports or clears devices of them when recovered. Every report names its reporter,
/// so each block is attributable; no operator can clear or withdraw another operator's report.
/// @dev The devices of a report live in its `DevicesReported` event (packed 32-byte keyed hashes), not in storage: a
/// report of 20,000 devices costs calldata and log data, not 20,000 storage slots. Every member's agent learns the
/// set from the events and answers "is this device blocked?" from its read model. Storage keeps what the rules need:
/// each report's reporter, status, digest of its devices, and which devices its reporter cleared.
interface IDeviceRegistry {
    /// @notice Why a device is reported. `None` is never stored for a report that exists.
    enum DeviceStatus {
        None,
        Stolen,
        Lost,
        Fraudulent,
        Blocked
    }

    /// @notice A report as stored.
    struct Report {
        address reporter;
        DeviceStatus status;
        uint16 reason;
        uint32 count;
        uint32 cleared;
        bool withdrawn;
        uint64 reportedAt;
        bytes32 digest;
    }

    /// @notice `reporter` reported `count` devices (`devices`: packed 32-byte keyed hashes, `digest` their
    /// keccak256) as `status` for operator reason code `reason`.
    event DevicesReported(
        bytes32 indexed reportId,
        address indexed reporter,
        DeviceStatus status,
        uint16 reason,
        uint32 count,
        bytes32 digest,
        bytes devices
    );
    /// @notice The reporter cleared `devices` (packed keyed hashes) of its report: recovered, or reported in error.
    /// A device listed that the report did not hold, or already cleared, changes nothing.
    event DevicesCleared(bytes32 indexed reportId, address indexed reporter, bytes devices);
    /// @notice The reporter withdrew its whole report: none of its devices is blocked by it any more.
    event ReportWithdrawn(bytes32 indexed reportId, address indexed reporter);

    /// @notice A constructor address is zero.
    error ZeroAddress();
    /// @notice `account` does not act for a member holding MOBILE_OPERATOR.
    error NotAnOperator(address account);
    /// @notice `status` is `None`, which no report may carry.
    error InvalidStatus(DeviceStatus status);
    /// @notice `length` bytes of devices is not a non-empty whole number of 32-byte keyed hashes.
    error MalformedDevices(uint256 length);
    /// @notice `count` devices exceed the `max` one transaction may report or clear.
    error TooManyDevices(uint256 count, uint256 max);
    /// @notice A report with this id exists (the same reporter, content and salt): choose another salt.
    error ReportIdTaken(bytes32 reportId);
    /// @notice No report has this id.
    error UnknownReport(bytes32 reportId);
    /// @notice `caller` does not act for `reporter`, the only member that may change report `reportId`.
    error NotReporter(bytes32 reportId, address caller, address reporter);
    /// @notice Report `reportId` is withdrawn: it can change no more.
    error ReportAlreadyWithdrawn(bytes32 reportId);

    /// @notice Reports `devices` (packed 32-byte keyed hashes, at most MAX_DEVICES_PER_TX) as `status` for reason
    /// `reason`, in the name of the caller's member. The caller must act for a MOBILE_OPERATOR member.
    /// @param salt Chosen by the reporter, so that one reporter may report the same devices again after a withdrawal.
    /// @return reportId `reportIdOf(reporter, status, reason, keccak256(devices), salt)`: derived from content and
    /// creator, known before sending.
    function report(
        DeviceStatus status,
        uint16 reason,
        bytes32 salt,
        bytes calldata devices
    ) external returns (bytes32 reportId);

    /// @notice Clears `devices` (packed keyed hashes) of report `reportId`. Only its reporter (the member or an
    /// account bound to it with MOBILE_OPERATOR) may; a device already cleared is skipped.
    function clearDevices(bytes32 reportId, bytes calldata devices) external;

    /// @notice Withdraws report `reportId` whole. Only its reporter may.
    function withdraw(bytes32 reportId) external;

    /// @notice The id `report` gives: keccak256(abi.encode(chainid, this, reporter, status, reason, digest, salt)).
    function reportIdOf(
        address reporter,
        DeviceStatus status,
        uint16 reason,
        bytes32 digest,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice Report `reportId`; reverts `UnknownReport` when there is none.
    function reportOf(bytes32 reportId) external view returns (Report memory);

    /// @notice How many reports exist (withdrawn ones included): with `reportIdAt`, every report can be listed.
    function reportCount() external view returns (uint256);

    /// @notice The id of the `index`-th report in mining order (0-based); reverts past `reportCount()`.
    function reportIdAt(uint256 index) external view returns (bytes32);

    /// @notice Whether the reporter cleared `device` of report `reportId`.
    function isCleared(bytes32 reportId, bytes32 device) external view returns (bool);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
