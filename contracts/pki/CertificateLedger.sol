// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The consortium's ledger-based PKI (see ICertificateLedger): applications, DV attestations and OV/EV endorsements
// counted against thresholds fixed at deployment, issuance recorded by the member holding the issuing CA, revocation.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {ICertificateLedger} from "./ICertificateLedger.sol";

contract CertificateLedger is ICertificateLedger {
    IConsortiumRegistry private immutable CONSORTIUM;
    bytes32 private immutable ISSUER_ROLE;
    uint16 private immutable DV_THRESHOLD;
    uint16 private immutable OV_THRESHOLD;
    uint16 private immutable EV_THRESHOLD;
    bytes32[] private _vouchingRoles;

    mapping(bytes32 id => Application) private _applications;
    mapping(bytes32 id => mapping(address member => bool)) private _vouched;
    mapping(bytes32 certificateHash => bytes32 id) private _byCertificate;
    bytes32 private _caHash;
    address private _caHolder;

    /// @param consortium_ Registry of members and roles.
    /// @param issuerRole_ Role whose holder may register the issuing CA and record issuances (TRUST_AUTHORITY).
    /// @param vouchingRoles_ Roles whose holders validate domain control and endorse applicants.
    /// @param dv_ Attestations a DV application needs; ov_, ev_ endorsements an OV / EV one needs.
    constructor(
        IConsortiumRegistry consortium_,
        bytes32 issuerRole_,
        bytes32[] memory vouchingRoles_,
        uint16 dv_,
        uint16 ov_,
        uint16 ev_
    ) {
        if (address(consortium_) == address(0)) revert InvalidPkiArgument("consortium");
        if (vouchingRoles_.length == 0) revert InvalidPkiArgument("vouchingRoles");
        if (dv_ == 0 || ov_ == 0 || ev_ == 0) revert InvalidPkiArgument("thresholds");
        CONSORTIUM = consortium_;
        ISSUER_ROLE = issuerRole_;
        _vouchingRoles = vouchingRoles_;
        DV_THRESHOLD = dv_;
        OV_THRESHOLD = ov_;
        EV_THRESHOLD = ev_;
    }

    /// @inheritdoc ICertificateLedger
    function fileApplication(
        Kind kind,
        bool identified,
        string calldata dnsName,
        string calldata organization,
        bytes calldata publicKey,
        bytes32 salt
    ) external returns (bytes32 id) {
        uint256 nameLength = bytes(dnsName).length;
        if (nameLength == 0 || nameLength > 253) revert InvalidPkiArgument("dnsName");
        if (publicKey.length < 32 || publicKey.length > 1024) revert InvalidPkiArgument("publicKey");
        if (bytes(organization).length > 64) revert InvalidPkiArgument("organization");
        if (identified) {
            if (!CONSORTIUM.isMember(msg.sender)) revert NotIdentifiable(msg.sender);
            if (bytes(organization).length == 0) revert InvalidPkiArgument("organization");
        } else if (bytes(organization).length != 0) {
            revert InvalidPkiArgument("organization");
        }
        id = _idOf(msg.sender, kind, identified, dnsName, organization, publicKey, salt);
        Application storage a = _applications[id];
        if (a.state != State.None) revert ApplicationExists(id);
        a.applicant = msg.sender;
        a.kind = kind;
        a.state = State.Filed;
        a.identified = identified;
        emit ApplicationFiled(id, msg.sender, kind, identified, dnsName, organization, publicKey);
    }

    /// @inheritdoc ICertificateLedger
    function attestDomainControl(bytes32 id) external {
        Application storage a = _vouchable(id, Kind.DV);
        a.domainAttestations += 1;
        emit DomainControlAttested(id, msg.sender, a.domainAttestations);
    }

    /// @inheritdoc ICertificateLedger
    function endorse(bytes32 id) external {
        Application storage a = _vouchable(id, Kind.OV);
        a.endorsements += 1;
        emit ApplicationEndorsed(id, msg.sender, a.endorsements);
    }

    /// @inheritdoc ICertificateLedger
    function setIssuingCa(bytes calldata caCertificate) external {
        if (!CONSORTIUM.hasRole(msg.sender, ISSUER_ROLE)) revert NotTheIssuer(msg.sender);
        if (caCertificate.length < 64) revert InvalidPkiArgument("caCertificate");
        _caHash = sha256(caCertificate);
        _caHolder = msg.sender;
        emit IssuingCaSet(msg.sender, _caHash, caCertificate);
    }

    /// @inheritdoc ICertificateLedger
    function recordIssuance(bytes32 id, bytes calldata certificate) external {
        if (_caHolder == address(0)) revert NoIssuingCa();
        if (msg.sender != _caHolder || !CONSORTIUM.hasRole(msg.sender, ISSUER_ROLE)) revert NotTheIssuer(msg.sender);
        Application storage a = _filed(id);
        (uint256 have, uint256 need) = a.kind == Kind.DV
            ? (uint256(a.domainAttestations), uint256(DV_THRESHOLD))
            : (uint256(a.endorsements), uint256(a.kind == Kind.OV ? OV_THRESHOLD : EV_THRESHOLD));
        if (have < need) revert ThresholdNotMet(id, have, need);
        if (certificate.length < 64) revert InvalidPkiArgument("certificate");
        bytes32 certificateHash = sha256(certificate);
        if (_byCertificate[certificateHash] != bytes32(0)) revert CertificateExists(certificateHash);
        _byCertificate[certificateHash] = id;
        a.state = State.Issued;
        a.issuer = msg.sender;
        a.certificateHash = certificateHash;
        a.caHash = _caHash;
        emit CertificateIssued(id, msg.sender, certificateHash, _caHash, certificate);
    }

    /// @inheritdoc ICertificateLedger
    function revoke(bytes32 id, uint8 reason) external {
        Application storage a = _applications[id];
        if (a.state == State.None) revert UnknownApplication(id);
        if (a.state != State.Issued) revert WrongState(id, a.state);
        if (msg.sender != a.issuer && msg.sender != a.applicant) revert NotAllowedToRevoke(id, msg.sender);
        if (reason > 10 || reason == 7) revert InvalidPkiArgument("reason");
        a.state = State.Revoked;
        a.revokedAt = uint64(block.timestamp);
        a.revocationReason = reason;
        emit CertificateRevoked(id, msg.sender, reason);
    }

    /// @inheritdoc ICertificateLedger
    function applicationIdOf(
        address applicant,
        Kind kind,
        bool identified,
        string calldata dnsName,
        string calldata organization,
        bytes calldata publicKey,
        bytes32 salt
    ) external view returns (bytes32) {
        return _idOf(applicant, kind, identified, dnsName, organization, publicKey, salt);
    }

    /// @inheritdoc ICertificateLedger
    function application(bytes32 id) external view returns (Application memory) {
        return _applications[id];
    }

    /// @inheritdoc ICertificateLedger
    function applicationOfCertificate(bytes32 certificateHash) external view returns (bytes32) {
        return _byCertificate[certificateHash];
    }

    /// @inheritdoc ICertificateLedger
    function hasVouched(bytes32 id, address member) external view returns (bool) {
        return _vouched[id][member];
    }

    /// @inheritdoc ICertificateLedger
    function issuingCa() external view returns (bytes32 caHash, address issuer) {
        return (_caHash, _caHolder);
    }

    /// @inheritdoc ICertificateLedger
    function thresholds() external view returns (uint16 dv, uint16 ov, uint16 ev) {
        return (DV_THRESHOLD, OV_THRESHOLD, EV_THRESHOLD);
    }

    /// @inheritdoc ICertificateLedger
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _filed(bytes32 id) private view returns (Application storage a) {
        a = _applications[id];
        if (a.state == State.None) revert UnknownApplication(id);
        if (a.state != State.Filed) revert WrongState(id, a.state);
    }

    // DV applications take domain attestations; OV and EV take endorsements (`wanted` is DV or OV for "an endorsement").
    function _vouchable(bytes32 id, Kind wanted) private returns (Application storage a) {
        a = _filed(id);
        if ((wanted == Kind.DV) != (a.kind == Kind.DV)) revert WrongKind(id, a.kind);
        if (!_isVoucher(msg.sender)) revert NotAValidator(msg.sender);
        if (msg.sender == a.applicant || CONSORTIUM.memberOf(msg.sender) == CONSORTIUM.memberOf(a.applicant)) {
            revert SelfEndorsement(id, msg.sender);
        }
        if (_vouched[id][msg.sender]) revert AlreadyVouched(id, msg.sender);
        _vouched[id][msg.sender] = true;
    }

    function _isVoucher(address account) private view returns (bool) {
        uint256 n = _vouchingRoles.length;
        for (uint256 i = 0; i < n; i++) {
            if (CONSORTIUM.hasRole(account, _vouchingRoles[i])) return true;
        }
        return false;
    }

    function _idOf(
        address applicant,
        Kind kind,
        bool identified,
        string calldata dnsName,
        string calldata organization,
        bytes calldata publicKey,
        bytes32 salt
    ) private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    block.chainid,
                    address(this),
                    applicant,
                    kind,
                    identified,
                    keccak256(bytes(dnsName)),
                    keccak256(bytes(organization)),
                    keccak256(publicKey),
                    salt
                )
            );
    }
}
