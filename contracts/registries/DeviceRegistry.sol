// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The shared stolen/lost device register: operators report keyed hashes of IMEIs in bulk and alone may change their
// own reports. The devices travel in events (see IDeviceRegistry), so a report costs no storage slot per device.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IDeviceRegistry} from "./IDeviceRegistry.sol";

contract DeviceRegistry is IDeviceRegistry {
    /// @notice Most devices one transaction may report or clear: 20,000 keyed hashes are 640 KB of calldata, about
    /// 16 M gas, well inside a block; 100,000 devices take five transactions.
    uint256 public constant MAX_DEVICES_PER_TX = 20_000;

    IConsortiumRegistry private immutable CONSORTIUM;

    mapping(bytes32 reportId => Report) private _reports;
    mapping(bytes32 reportId => mapping(bytes32 device => bool)) private _cleared;
    // Every report id in mining order: one slot a report (not a device), so a consistency check can list them.
    bytes32[] private _reportIds;

    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert ZeroAddress();
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc IDeviceRegistry
    function report(
        DeviceStatus status,
        uint16 reason,
        bytes32 salt,
        bytes calldata devices
    ) external returns (bytes32 reportId) {
        if (!CONSORTIUM.hasRole(msg.sender, Roles.MOBILE_OPERATOR)) revert NotAnOperator(msg.sender);
        address reporter = CONSORTIUM.memberOf(msg.sender);
        if (status == DeviceStatus.None) revert InvalidStatus(status);
        uint256 count = _countOf(devices);
        bytes32 digest = keccak256(devices);
        reportId = reportIdOf(reporter, status, reason, digest, salt);
        Report storage r = _reports[reportId];
        if (r.reporter != address(0)) revert ReportIdTaken(reportId);
        r.reporter = reporter;
        r.status = status;
        r.reason = reason;
        r.count = uint32(count);
        r.reportedAt = uint64(block.timestamp);
        r.digest = digest;
        _reportIds.push(reportId);
        emit DevicesReported(reportId, reporter, status, reason, uint32(count), digest, devices);
    }

    /// @inheritdoc IDeviceRegistry
    function clearDevices(bytes32 reportId, bytes calldata devices) external {
        Report storage r = _changeable(reportId);
        uint256 count = _countOf(devices);
        uint32 newlyCleared = 0;
        for (uint256 i = 0; i < count; i++) {
            bytes32 device = bytes32(devices[i * 32:i * 32 + 32]);
            if (_cleared[reportId][device]) continue;
            _cleared[reportId][device] = true;
            newlyCleared++;
        }
        r.cleared += newlyCleared;
        emit DevicesCleared(reportId, r.reporter, devices);
    }

    /// @inheritdoc IDeviceRegistry
    function withdraw(bytes32 reportId) external {
        Report storage r = _changeable(reportId);
        r.withdrawn = true;
        emit ReportWithdrawn(reportId, r.reporter);
    }

    /// @inheritdoc IDeviceRegistry
    function reportIdOf(
        address reporter,
        DeviceStatus status,
        uint16 reason,
        bytes32 digest,
        bytes32 salt
    ) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), reporter, status, reason, digest, salt));
    }

    /// @inheritdoc IDeviceRegistry
    function reportOf(bytes32 reportId) external view returns (Report memory) {
        Report memory r = _reports[reportId];
        if (r.reporter == address(0)) revert UnknownReport(reportId);
        return r;
    }

    /// @inheritdoc IDeviceRegistry
    function reportCount() external view returns (uint256) {
        return _reportIds.length;
    }

    /// @inheritdoc IDeviceRegistry
    function reportIdAt(uint256 index) external view returns (bytes32) {
        return _reportIds[index];
    }

    /// @inheritdoc IDeviceRegistry
    function isCleared(bytes32 reportId, bytes32 device) external view returns (bool) {
        return _cleared[reportId][device];
    }

    /// @inheritdoc IDeviceRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // The report, when the caller acts for its reporter (the member itself, or an account bound to it whose binding
    // names MOBILE_OPERATOR) and it is not withdrawn.
    function _changeable(bytes32 reportId) private view returns (Report storage r) {
        r = _reports[reportId];
        if (r.reporter == address(0)) revert UnknownReport(reportId);
        bool actsFor =
            msg.sender == r.reporter ||
                (CONSORTIUM.memberOf(msg.sender) == r.reporter &&
                    CONSORTIUM.hasRole(msg.sender, Roles.MOBILE_OPERATOR));
        if (!actsFor) revert NotReporter(reportId, msg.sender, r.reporter);
        if (r.withdrawn) revert ReportAlreadyWithdrawn(reportId);
    }

    function _countOf(bytes calldata devices) private pure returns (uint256 count) {
        if (devices.length == 0 || devices.length % 32 != 0) revert MalformedDevices(devices.length);
        count = devices.length / 32;
        if (count > MAX_DEVICES_PER_TX) revert TooManyDevices(count, MAX_DEVICES_PER_TX);
    }
}
