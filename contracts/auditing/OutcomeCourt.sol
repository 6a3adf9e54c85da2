// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Escrowed service agreements validated by staked auditor juries (see IOutcomeCourt and docs/auditing.md).
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {AuditorTickets} from "./AuditorTickets.sol";
import {CourtGovernance} from "./CourtGovernance.sol";
import {CourtParams} from "./CourtParams.sol";
import {ICourtGovernance} from "./ICourtGovernance.sol";
import {IAuditorTickets} from "./IAuditorTickets.sol";
import {IMemberBeacon} from "./IMemberBeacon.sol";
import {IOutcomeCourt} from "./IOutcomeCourt.sol";
import {IServiceEscrow} from "./IServiceEscrow.sol";
import {ServiceEscrow} from "./ServiceEscrow.sol";

contract OutcomeCourt is IOutcomeCourt {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    uint8 private constant UPHOLD = 1;
    uint8 private constant REJECT = 2;

    IConsortiumRegistry private immutable CONSORTIUM;
    IERC20 private immutable TOKEN;
    IMemberBeacon private immutable BEACON;
    uint64 private immutable GENESIS;
    uint64 private immutable EPOCH_SECONDS;
    IServiceEscrow private immutable ESCROW;
    IAuditorTickets private immutable TICKETS;
    ICourtGovernance private immutable GOVERNANCE;

    Params private _params;

    mapping(address account => Auditor) private _auditors;
    mapping(bytes32 didHash => address auditor) private _didOwner;
    mapping(address auditor => mapping(address vetter => bool)) private _vettedBy;
    mapping(address auditor => mapping(uint64 epoch => uint16)) private _assigned;
    mapping(uint64 epoch => address[]) private _pool;

    mapping(bytes32 caseId => Case) private _cases;
    mapping(bytes32 caseId => IServiceEscrow.Parties) private _parties;
    // The current panel of each round of a case (a repeat draws a new panel under a new key).
    mapping(bytes32 caseId => bytes32[2]) private _panelKeys;
    mapping(bytes32 panelKey => Panel) private _panels;
    mapping(bytes32 panelKey => address[]) private _panelJurors;
    mapping(bytes32 panelKey => mapping(address juror => Ballot)) private _ballots;

    /// @param consortium_ Registry of members, governors and KYC vetters.
    /// @param token_ The settlement token every amount is paid in.
    /// @param beacon_ The members' commit-reveal beacon juries are drawn with.
    /// @param epochSeconds Length of an epoch (fixed: changing it would renumber epochs stakes are bonded for).
    /// @param initial The first parameters.
    constructor(
        IConsortiumRegistry consortium_,
        IERC20 token_,
        IMemberBeacon beacon_,
        uint64 epochSeconds,
        Params memory initial
    ) {
        if (address(consortium_) == address(0)) revert InvalidParams("consortium");
        if (address(token_) == address(0)) revert InvalidParams("token");
        if (address(beacon_) == address(0)) revert InvalidParams("beacon");
        if (epochSeconds == 0) revert InvalidParams("epochSeconds");
        CONSORTIUM = consortium_;
        TOKEN = token_;
        BEACON = beacon_;
        GENESIS = uint64(block.timestamp);
        EPOCH_SECONDS = epochSeconds;
        // The escrow answers to this court alone, so the court is fixed when the escrow comes to exist.
        ESCROW = new ServiceEscrow(consortium_, token_, address(this), beacon_);
        TICKETS = new AuditorTickets(address(this), GENESIS, epochSeconds);
        GOVERNANCE = new CourtGovernance(consortium_, this);
        CourtParams.check(initial);
        _params = initial;
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IOutcomeCourt
    function setParams(bytes32, Params calldata changed) external {
        if (msg.sender != address(GOVERNANCE)) revert NotGovernance(msg.sender);
        // The governance emits ParamsChanged for this change (the court's code is at the EIP-170 limit).
        _params = changed;
    }

    // ---------------------------------------------------------------- auditors

    /// @inheritdoc IOutcomeCourt
    function vetAuditor(address account, bytes32 didHash, address affiliation) external {
        _onlyVetter();
        if (account == address(0) || didHash == bytes32(0)) revert InvalidParams("auditor");
        if (_vettedBy[account][msg.sender]) revert AlreadyVetted(account, msg.sender);
        Auditor storage au = _auditors[account];
        if (au.vetCount == 0) {
            address owner = _didOwner[didHash];
            if (owner != address(0)) revert DidTaken(didHash, owner);
            _didOwner[didHash] = account;
            au.didHash = didHash;
            au.affiliation = affiliation;
        } else {
            if (au.didHash != didHash) revert VettingMismatch(account, "didHash");
            if (au.affiliation != affiliation) revert VettingMismatch(account, "affiliation");
        }
        _vettedBy[account][msg.sender] = true;
        au.vetCount += 1;
        emit AuditorVetted(account, msg.sender, didHash, affiliation);
    }

    /// @inheritdoc IOutcomeCourt
    function declareAffiliation(address account, address affiliation) external {
        _onlyVetter();
        Auditor storage au = _auditors[account];
        if (au.vetCount == 0) revert AuditorNotVetted(account);
        au.affiliation = affiliation;
        emit AffiliationDeclared(account, msg.sender, affiliation);
    }

    /// @inheritdoc IOutcomeCourt
    function signal(
        uint128 amount,
        uint16 capacity,
        uint64 epochs,
        bytes32 encryptionKey,
        uint64 firstEpoch,
        bytes32[] calldata ticketRoots
    ) external {
        Auditor storage au = _auditors[msg.sender];
        if (au.vetCount < _params.vetQuorum) revert AuditorNotVetted(msg.sender);
        if (epochs == 0 || epochs > _params.maxSignalEpochs) revert SignalOutOfRange(epochs, _params.maxSignalEpochs);
        if (capacity == 0) revert InvalidParams("capacity");
        uint128 bonded = au.bonded + amount;
        if (bonded < _params.minAuditorStake) revert StakeTooLow(bonded, _params.minAuditorStake);
        uint64 first = currentEpoch() + 1;
        // The roots are per epoch: mined after the epoch turned, they would sit one epoch off.
        if (firstEpoch != first) revert SignalEpochMoved(firstEpoch, first);
        if (ticketRoots.length != epochs) revert IAuditorTickets.TicketRootsLength(epochs, ticketRoots.length);
        TICKETS.commitRoots(msg.sender, first, ticketRoots);
        // Epochs already signalled for keep their pool entry; only new ones are added (bounded by maxSignalEpochs).
        uint64 from = au.lastEpoch >= first ? au.lastEpoch + 1 : first;
        uint64 last = first + epochs - 1;
        for (uint64 e = from; e <= last; e++) _pool[e].push(msg.sender);
        au.bonded = bonded;
        au.capacity = capacity;
        if (last > au.lastEpoch) au.lastEpoch = last;
        au.encryptionKey = encryptionKey;
        emit AuditorSignalled(msg.sender, first, au.lastEpoch, capacity, bonded);
        if (amount > 0) TOKEN.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IOutcomeCourt
    function withdrawStake(uint128 amount) external {
        Auditor storage au = _auditors[msg.sender];
        if (currentEpoch() <= au.lastEpoch) {
            revert StakeBondedUntil(msg.sender, GENESIS + (au.lastEpoch + 1) * EPOCH_SECONDS);
        }
        if (au.openCases != 0) revert StakeInOpenValidation(msg.sender, au.openCases);
        // Every signalled epoch's seed revealed, in an earlier epoch than this one: the rest of the reveal's epoch
        // is anyone's window to slash what the seeds show was silent.
        (uint64 revealed, uint64 revealedAt) = TICKETS.revealedThrough(msg.sender);
        if (revealed < au.lastEpoch) revert TicketSeedsPending(msg.sender, revealed, au.lastEpoch);
        if (epochOf(revealedAt) >= currentEpoch()) {
            revert SlashWindowOpen(msg.sender, GENESIS + (epochOf(revealedAt) + 1) * EPOCH_SECONDS);
        }
        if (amount > au.bonded - au.locked) revert InsufficientFreeStake(msg.sender, au.bonded - au.locked, amount);
        au.bonded -= amount;
        emit StakeWithdrawn(msg.sender, amount);
        TOKEN.safeTransfer(msg.sender, amount);
    }

    function _onlyVetter() private view {
        if (!CONSORTIUM.hasRole(msg.sender, Roles.KYC_VETTER)) revert NotVetter(msg.sender);
    }

    // ---------------------------------------------------------------- cases

    /// @inheritdoc IOutcomeCourt
    function complain(bytes32 taskId, bytes32 evidenceHash) external returns (bytes32 caseId) {
        caseId = keccak256(abi.encode(taskId, msg.sender));
        Case storage c = _cases[caseId];
        if (c.status != CaseStatus.None) revert CaseExists(caseId);
        IServiceEscrow.Parties memory p = ESCROW.openDispute(taskId, msg.sender);
        _parties[caseId] = p;
        // A random audit the escrow's lottery selected is an agreed audit event: no requester stake.
        uint128 stake = msg.sender == address(ESCROW) ? 0 : uint128((uint256(p.fee) * _params.complaintStakeBps) / BPS);
        c.taskId = taskId;
        c.requester = msg.sender;
        c.requesterStake = stake;
        emit ComplaintFiled(caseId, taskId, msg.sender, stake);
        emit EvidenceShared(caseId, address(0), msg.sender, evidenceHash);
        _scheduleDraw(caseId, c, uint64(block.timestamp));
        if (stake > 0) TOKEN.safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @inheritdoc IOutcomeCourt
    function draw(bytes32 caseId) external {
        Case storage c = _caseOf(caseId);
        if (c.status != CaseStatus.Drawing) revert WrongCaseStatus(caseId, c.status);
        IMemberBeacon.Phase phase = BEACON.phase(c.beaconKey);
        if (phase == IMemberBeacon.Phase.Failed) {
            _retry(caseId, c, 0, 0);
            return;
        }
        if (phase != IMemberBeacon.Phase.Ready) revert BeaconNotReady(caseId, c.beaconKey);
        uint8 size = c.round == 0 ? _params.firstJurySize : _params.objectionJurySize;
        uint256 pool = _pool[currentEpoch()].length;
        (bool open, uint64 epoch, uint256 slot) = pool < size ? (false, 0, 0) : TICKETS.openLottery();
        if (!open) {
            _retry(caseId, c, 0, size);
            return;
        }
        bytes32 key = keccak256(abi.encode(caseId, c.round, c.attempt));
        Panel storage p = _panels[key];
        p.size = size;
        p.commitEnd = uint64(block.timestamp) + _params.commitSeconds;
        p.revealEnd = p.commitEnd + _params.revealSeconds;
        p.epoch = epoch;
        p.slot = uint16(slot);
        p.seed = BEACON.value(c.beaconKey);
        // Each auditor of the pool is drawn with odds size x ticketsPerSeat / pool (all of them when that is >= 1):
        // a ticket is a uniform 64-bit number, drawn when at most the threshold.
        uint256 wanted = uint256(size) * _params.ticketsPerSeat;
        p.threshold = wanted >= pool ? type(uint64).max : uint64(((uint256(1) << 64) * wanted) / pool - 1);
        _panelKeys[caseId][c.round] = key;
        c.status = CaseStatus.Voting;
        emit JuryDrawn(caseId, c.round, c.attempt, p.commitEnd, p.revealEnd, epoch, p.slot, p.seed, p.threshold);
    }

    /// @inheritdoc IOutcomeCourt
    function shareEvidence(bytes32 caseId, bytes32 evidenceHash) external {
        _caseOf(caseId);
        IServiceEscrow.Parties storage a = _parties[caseId];
        if (msg.sender != a.provider && msg.sender != a.recipient) revert NotParty(caseId, msg.sender);
        emit EvidenceShared(caseId, address(0), msg.sender, evidenceHash);
    }

    /// @inheritdoc IOutcomeCourt
    function commitVote(bytes32 caseId, bytes32 commitment, bytes32 secret, bytes32[] calldata proof) external {
        Case storage c = _caseOf(caseId);
        if (c.status != CaseStatus.Voting) revert WrongCaseStatus(caseId, c.status);
        bytes32 key = _panelKeys[caseId][c.round];
        Panel storage p = _panels[key];
        if (block.timestamp >= p.commitEnd) revert CommitClosed(caseId, p.commitEnd);
        Ballot storage b = _ballots[key][msg.sender];
        if (b.claimed) revert AlreadyCommitted(caseId, msg.sender);
        if (!TICKETS.verify(msg.sender, p.epoch, p.slot, secret, proof)) revert InvalidTicket(caseId, msg.sender);
        uint64 ticket = _ticket(secret, p.seed);
        if (ticket > p.threshold) revert NotDrawn(caseId, msg.sender, ticket, p.threshold);
        if (c.round == 1 && _ballots[_panelKeys[caseId][0]][msg.sender].seated) revert OnFirstJury(caseId, msg.sender);
        address member = _affiliationWith(_parties[caseId], msg.sender);
        if (member != address(0)) revert AffiliatedJuror(caseId, msg.sender, member);
        b.claimed = true;
        b.commitment = commitment;
        b.ticket = ticket;
        // Drawn but out of capacity this epoch or of free stake for the deposit: the claim is recorded (it was not
        // silent) but does not sit.
        Auditor storage au = _auditors[msg.sender];
        bool canSit = _assigned[msg.sender][p.epoch] < au.capacity && au.bonded - au.locked >= _params.jurorDeposit;
        bool seated = canSit && _claimSeat(caseId, c, key, p, ticket);
        emit SeatClaimed(caseId, c.round, c.attempt, msg.sender, ticket, seated, seated ? _params.jurorDeposit : 0);
        emit VoteCommitted(caseId, msg.sender);
    }

    /// @dev Seats the caller while fewer than `size` sit, or in place of the highest ticket seated when its own is
    /// lower (that juror's deposit is released): the panel ends as the `size` lowest tickets claimed, whatever the
    /// order of the claims. Cost bounded by the jury size.
    function _claimSeat(
        bytes32 caseId,
        Case storage c,
        bytes32 key,
        Panel storage p,
        uint64 ticket
    ) private returns (bool) {
        address[] storage seatedJurors = _panelJurors[key];
        uint256 n = seatedJurors.length;
        if (n < p.size) {
            seatedJurors.push(msg.sender);
        } else {
            uint256 highest = 0;
            for (uint256 i = 1; i < n; i++) {
                if (_ballots[key][seatedJurors[i]].ticket > _ballots[key][seatedJurors[highest]].ticket) highest = i;
            }
            address displaced = seatedJurors[highest];
            Ballot storage d = _ballots[key][displaced];
            if (d.ticket <= ticket) return false;
            d.seated = false;
            _release(displaced);
            _assigned[displaced][p.epoch] -= 1;
            seatedJurors[highest] = msg.sender;
            emit JurorDisplaced(caseId, c.round, c.attempt, displaced);
        }
        _ballots[key][msg.sender].seated = true;
        _assigned[msg.sender][p.epoch] += 1;
        Auditor storage au = _auditors[msg.sender];
        au.locked += _params.jurorDeposit;
        au.openCases += 1;
        return true;
    }

    /// @inheritdoc IOutcomeCourt
    function slashSilent(bytes32 caseId, uint8 round, uint8 attempt, address auditor_) external {
        _caseOf(caseId);
        bytes32 key = keccak256(abi.encode(caseId, round, attempt));
        Panel storage p = _panels[key];
        Ballot storage b = _ballots[key][auditor_];
        // Silent: the lottery's claims are over, it made none (a claim that could not sit, for want of capacity or
        // free stake, still counts as one), it was in the pool and its revealed secret drew it; not silent when it
        // was not allowed to claim (on the first jury, or affiliated with a party).
        bool silent = p.commitEnd != 0 && block.timestamp >= p.commitEnd && !b.claimed;
        silent = silent && TICKETS.rootOf(auditor_, p.epoch) != 0;
        silent = silent && _ticket(TICKETS.secretOf(auditor_, p.epoch, p.slot), p.seed) <= p.threshold;
        silent = silent && !(round == 1 && _ballots[_panelKeys[caseId][0]][auditor_].seated);
        if (!silent || _affiliationWith(_parties[caseId], auditor_) != address(0)) revert NotSilent(caseId, auditor_);
        b.claimed = true;
        Auditor storage au = _auditors[auditor_];
        uint128 free = au.bonded - au.locked;
        uint128 slashed = free < _params.jurorDeposit ? free : _params.jurorDeposit;
        au.bonded -= slashed;
        emit JurorSlashed(caseId, auditor_, slashed);
        if (slashed > 0) TOKEN.safeTransfer(_params.slashSink, slashed);
    }

    function _ticket(bytes32 secret, bytes32 seed) private pure returns (uint64) {
        return uint64(uint256(keccak256(abi.encode(secret, seed))) >> 192);
    }

    /// @inheritdoc IOutcomeCourt
    function revealVote(bytes32 caseId, uint8 vote, bytes32 salt) external {
        Case storage c = _caseOf(caseId);
        if (c.status != CaseStatus.Voting) revert WrongCaseStatus(caseId, c.status);
        bytes32 key = _panelKeys[caseId][c.round];
        Panel storage p = _panels[key];
        if (block.timestamp < p.commitEnd) revert RevealNotOpen(caseId, p.commitEnd);
        if (block.timestamp >= p.revealEnd) revert RevealClosed(caseId, p.revealEnd);
        Ballot storage b = _ballots[key][msg.sender];
        if (b.commitment == bytes32(0)) revert NotCommitted(caseId, msg.sender);
        // A claim a lower ticket displaced committed a vote that does not count.
        if (!b.seated) revert NotAJuror(caseId, msg.sender);
        if (b.vote != 0) revert AlreadyRevealed(caseId, msg.sender);
        if (vote != UPHOLD && vote != REJECT) revert InvalidVote(vote);
        bytes32 expected = keccak256(abi.encode(caseId, c.round, c.attempt, msg.sender, vote, salt));
        if (expected != b.commitment) revert CommitmentMismatch(caseId, msg.sender);
        b.vote = vote;
        p.revealed += 1;
        if (vote == UPHOLD) p.yes += 1;
        else p.no += 1;
        emit VoteRevealed(caseId, msg.sender, vote);
    }

    /// @inheritdoc IOutcomeCourt
    function tally(bytes32 caseId) external {
        Case storage c = _caseOf(caseId);
        if (c.status != CaseStatus.Voting) revert WrongCaseStatus(caseId, c.status);
        bytes32 key = _panelKeys[caseId][c.round];
        Panel storage p = _panels[key];
        if (block.timestamp < p.revealEnd) revert VotingNotOver(caseId, p.revealEnd);
        address[] storage seatedJurors = _panelJurors[key];
        if (seatedJurors.length < p.size) {
            // Too few drawn auditors claimed: the panel never filled, so no vote counts and no one sat to be slashed.
            for (uint256 i = 0; i < seatedJurors.length; i++) {
                _release(seatedJurors[i]);
                _assigned[seatedJurors[i]][p.epoch] -= 1;
            }
            _retry(caseId, c, uint8(seatedJurors.length), p.size);
            return;
        }
        uint256 slashed = _slashSilent(caseId, key);
        bool quorum = uint256(p.revealed) * 2 > p.size;
        if (!quorum || p.yes == p.no) {
            emit PanelTied(caseId, c.round, c.attempt, p.yes, p.no, p.revealed);
            _releaseRevealed(key);
            _retry(caseId, c, 0, 0);
        } else {
            Verdict v = p.yes > p.no ? Verdict.Upheld : Verdict.Rejected;
            emit VerdictReached(caseId, c.round, v, p.yes, p.no);
            if (c.round == 0) {
                c.firstVerdict = v;
                c.verdictEpoch = currentEpoch();
                c.status = CaseStatus.Provisional;
            } else {
                _close(caseId, c, v);
            }
        }
        if (slashed > 0) TOKEN.safeTransfer(_params.slashSink, slashed);
    }

    /// @inheritdoc IOutcomeCourt
    function object(bytes32 caseId) external {
        Case storage c = _caseOf(caseId);
        if (c.status != CaseStatus.Provisional) revert WrongCaseStatus(caseId, c.status);
        IServiceEscrow.Parties storage a = _parties[caseId];
        if (msg.sender != a.provider && msg.sender != a.recipient) revert NotParty(caseId, msg.sender);
        if (currentEpoch() > c.verdictEpoch + 1) revert ObjectionWindowClosed(caseId, c.verdictEpoch + 1);
        uint128 stake = uint128((uint256(a.escrowed) * _params.objectionStakeBps) / BPS);
        c.objector = msg.sender;
        c.objectionStake = stake;
        c.round = 1;
        c.attempt = 0;
        emit Objected(caseId, msg.sender, stake);
        _scheduleDraw(caseId, c, uint64(block.timestamp));
        if (stake > 0) TOKEN.safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @inheritdoc IOutcomeCourt
    function finalize(bytes32 caseId) external {
        Case storage c = _caseOf(caseId);
        if (c.status != CaseStatus.Provisional) revert WrongCaseStatus(caseId, c.status);
        if (currentEpoch() <= c.verdictEpoch + 1) revert ObjectionWindowOpen(caseId, c.verdictEpoch + 1);
        _close(caseId, c, c.firstVerdict);
    }

    // ---------------------------------------------------------------- case internals

    function _scheduleDraw(bytes32 caseId, Case storage c, uint64 beaconStart) private {
        c.status = CaseStatus.Drawing;
        c.beaconKey = BEACON.open(keccak256(abi.encode(caseId, c.round, c.attempt)), beaconStart);
        emit DrawScheduled(caseId, c.round, c.attempt, c.beaconKey, beaconStart);
    }

    /// @dev A failed beacon, an unfillable draw or a tie: the round repeats at the next epoch's start, at most
    /// maxAttempts times, then ends unresolved.
    function _retry(bytes32 caseId, Case storage c, uint8 seated, uint8 needed) private {
        if (needed > 0) emit DrawFailed(caseId, c.round, c.attempt, seated, needed);
        c.attempt += 1;
        if (c.attempt >= _params.maxAttempts) {
            if (c.round == 0) _close(caseId, c, Verdict.Unresolved);
            else _close(caseId, c, c.firstVerdict);
            return;
        }
        _scheduleDraw(caseId, c, GENESIS + (currentEpoch() + 1) * EPOCH_SECONDS);
    }

    /// @dev Slashes the deposit of every seated juror that did not reveal (including those that never committed).
    function _slashSilent(bytes32 caseId, bytes32 key) private returns (uint256 slashed) {
        address[] storage js = _panelJurors[key];
        uint128 deposit = _params.jurorDeposit;
        for (uint256 i = 0; i < js.length; i++) {
            if (_ballots[key][js[i]].vote != 0) continue;
            _forfeit(js[i], deposit);
            slashed += deposit;
            emit JurorSlashed(caseId, js[i], deposit);
        }
    }

    function _releaseRevealed(bytes32 key) private {
        address[] storage js = _panelJurors[key];
        for (uint256 i = 0; i < js.length; i++) {
            if (_ballots[key][js[i]].vote != 0) _release(js[i]);
        }
    }

    /// @dev Closes a panel whose revealed jurors are still locked: those that voted `winning` keep their deposit and
    /// are returned as winners; the others forfeit theirs into the returned pot.
    function _closePanel(bytes32 key, uint8 winning) private returns (address[] memory winners, uint256 forfeited) {
        address[] storage js = _panelJurors[key];
        winners = new address[](js.length);
        uint256 w = 0;
        uint128 deposit = _params.jurorDeposit;
        for (uint256 i = 0; i < js.length; i++) {
            uint8 vote = _ballots[key][js[i]].vote;
            if (vote == 0) continue; // slashed at the tally
            if (vote == winning) {
                _release(js[i]);
                winners[w++] = js[i];
            } else {
                _forfeit(js[i], deposit);
                forfeited += deposit;
            }
        }
        assembly {
            mstore(winners, w)
        }
    }

    /// @dev Pays everyone out by the final verdict and closes the case.
    function _close(bytes32 caseId, Case storage c, Verdict finalVerdict) private {
        c.status = CaseStatus.Closed;
        c.finalVerdict = finalVerdict;
        if (finalVerdict == Verdict.Unresolved) {
            // No jury could decide: the requester gets its stake back and the provider its escrow.
            _pay(caseId, c.requester, c.requesterStake, PayReason.RequesterStake);
            ESCROW.settleDispute(c.taskId, true);
            emit CaseClosed(caseId, finalVerdict);
            return;
        }
        uint8 winning = finalVerdict == Verdict.Upheld ? UPHOLD : REJECT;
        // What the requester's stake owes the majority: the validation fee if upheld, all of it if rejected.
        uint256 toJurors =
            finalVerdict == Verdict.Upheld
                ? (uint256(c.requesterStake) * _params.validationFeeBps) / BPS
                : c.requesterStake;
        _pay(caseId, c.requester, c.requesterStake - toJurors, PayReason.RequesterStake);
        bytes32 firstKey = _panelKeys[caseId][0];
        if (c.objector == address(0) || c.attempt >= _params.maxAttempts) {
            // No objection, or the objection jury never decided (the first verdict stands, the objector is refunded).
            (address[] memory w0, uint256 f0) = _closePanel(firstKey, winning);
            _share(caseId, w0, f0 + toJurors, PayReason.FirstMajority);
            _pay(caseId, c.objector, c.objectionStake, PayReason.ObjectionStakeReturned);
        } else if (finalVerdict != c.firstVerdict) {
            // Objection upheld: the first majority forfeits; the objector takes its stake back and a share.
            (, uint256 f0) = _closePanel(firstKey, winning);
            (address[] memory w1, uint256 f1) = _closePanel(_panelKeys[caseId][1], winning);
            uint256 objectorShare = ((f0 + toJurors) * _params.objectorShareBps) / BPS;
            _pay(caseId, c.objector, c.objectionStake + objectorShare, PayReason.ObjectionUpheld);
            _share(caseId, w1, f0 + toJurors - objectorShare + f1, PayReason.ObjectionMajority);
        } else {
            // Objection rejected: the objector's stake goes to the jurors who confirmed the first verdict.
            (address[] memory w0, uint256 f0) = _closePanel(firstKey, winning);
            (address[] memory w1, uint256 f1) = _closePanel(_panelKeys[caseId][1], winning);
            _share(caseId, w0, f0 + toJurors, PayReason.FirstMajority);
            _share(caseId, w1, f1 + c.objectionStake, PayReason.ObjectionMajority);
        }
        ESCROW.settleDispute(c.taskId, finalVerdict == Verdict.Rejected);
        emit CaseClosed(caseId, finalVerdict);
    }

    /// @dev Equal shares; the indivisible remainder goes to the first winner so no unit stays behind.
    function _share(bytes32 caseId, address[] memory winners, uint256 amount, PayReason why) private {
        if (amount == 0 || winners.length == 0) return;
        uint256 each = amount / winners.length;
        uint256 remainder = amount - each * winners.length;
        for (uint256 i = 0; i < winners.length; i++) {
            _pay(caseId, winners[i], i == 0 ? each + remainder : each, why);
        }
    }

    function _pay(bytes32 caseId, address to, uint256 amount, PayReason why) private {
        if (amount == 0) return;
        emit Paid(caseId, to, amount, why);
        TOKEN.safeTransfer(to, amount);
    }

    function _release(address juror) private {
        Auditor storage au = _auditors[juror];
        au.locked -= _params.jurorDeposit;
        au.openCases -= 1;
    }

    function _forfeit(address juror, uint128 deposit) private {
        Auditor storage au = _auditors[juror];
        au.locked -= deposit;
        au.bonded -= deposit;
        au.openCases -= 1;
    }

    /// @dev The party member `candidate` is affiliated with, or address(0): the candidate is a party itself, acts
    /// for a party's member in the consortium (a bound account), or was vetted as working for one.
    function _affiliationWith(IServiceEscrow.Parties storage a, address candidate) private view returns (address) {
        if (candidate == a.provider) return a.providerMember;
        if (candidate == a.recipient) return a.recipientMember;
        address declared = _auditors[candidate].affiliation;
        if (declared != address(0) && (declared == a.providerMember || declared == a.recipientMember)) return declared;
        address bound = CONSORTIUM.memberOf(candidate);
        if (bound != address(0) && (bound == a.providerMember || bound == a.recipientMember)) return bound;
        return address(0);
    }

    function _caseOf(bytes32 id) private view returns (Case storage c) {
        c = _cases[id];
        if (c.status == CaseStatus.None) revert UnknownCase(id);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IOutcomeCourt
    function epochOf(uint256 timestamp) public view returns (uint64) {
        if (timestamp < GENESIS) return 0;
        return uint64((timestamp - GENESIS) / EPOCH_SECONDS);
    }

    /// @inheritdoc IOutcomeCourt
    function currentEpoch() public view returns (uint64) {
        return epochOf(block.timestamp);
    }

    /// @inheritdoc IOutcomeCourt
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc IOutcomeCourt
    function escrow() external view returns (IServiceEscrow) {
        return ESCROW;
    }

    /// @inheritdoc IOutcomeCourt
    function governance() external view returns (ICourtGovernance) {
        return GOVERNANCE;
    }

    /// @inheritdoc IOutcomeCourt
    function tickets() external view returns (IAuditorTickets) {
        return TICKETS;
    }

    /// @inheritdoc IOutcomeCourt
    function parties(bytes32 caseId) external view returns (IServiceEscrow.Parties memory) {
        return _parties[caseId];
    }

    /// @inheritdoc IOutcomeCourt
    function auditor(address account) external view returns (Auditor memory) {
        return _auditors[account];
    }

    /// @inheritdoc IOutcomeCourt
    function isVetted(address account) external view returns (bool) {
        return _auditors[account].vetCount >= _params.vetQuorum;
    }

    /// @inheritdoc IOutcomeCourt
    function poolSize(uint64 epoch) external view returns (uint256) {
        return _pool[epoch].length;
    }

    /// @inheritdoc IOutcomeCourt
    function getCase(bytes32 caseId) external view returns (Case memory) {
        return _cases[caseId];
    }

    /// @inheritdoc IOutcomeCourt
    function panel(bytes32 caseId, uint8 round) external view returns (Panel memory) {
        return _panels[_panelKeys[caseId][round]];
    }

    /// @inheritdoc IOutcomeCourt
    function jurors(bytes32 caseId, uint8 round) external view returns (address[] memory) {
        return _panelJurors[_panelKeys[caseId][round]];
    }

    /// @inheritdoc IOutcomeCourt
    function ballot(bytes32 caseId, uint8 round, address juror) external view returns (Ballot memory) {
        return _ballots[_panelKeys[caseId][round]][juror];
    }

    /// @inheritdoc IOutcomeCourt
    function version() external pure returns (bytes32) {
        // bytes32, not string: the court is within 30 bytes of the 24,576-byte code size limit (EIP-170).
        return "1.0.0";
    }
}
